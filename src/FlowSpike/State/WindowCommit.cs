using FlowSpike.Detection;

namespace FlowSpike.State;

/// <summary>
/// Everything one window writes, in one transaction: the changed rows and committed mark (from <see cref="Result"/>),
/// the alerts into the outbox due for each sink, the suppression marks, and the host history.
/// </summary>
internal sealed record WindowCommit
{
    public required WindowResult Result { get; init; }
    public required long WindowSeconds { get; init; }
    public IReadOnlyList<OutboxAlert> Alerts { get; init; } = [];
    public IReadOnlyCollection<string> Sinks { get; init; } = [];
    /// <summary>Suppression keys and the time until which they stay quiet.</summary>
    public IReadOnlyDictionary<string, long> Suppressions { get; init; } = new Dictionary<string, long>();
    /// <summary>Per-host counts and baselines kept for explain and report; null keeps none.</summary>
    public IReadOnlyList<HistoryRow>? History { get; init; }
    /// <summary>History older than this many seconds before the window is dropped.</summary>
    public long HistoryRetentionSeconds { get; init; } = 90 * 86400L;
}
