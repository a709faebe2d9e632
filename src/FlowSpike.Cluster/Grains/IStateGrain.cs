using FlowSpike.Cluster.Wire;

namespace FlowSpike.Cluster.Grains;

/// <summary>
/// The record of one named state (key: the state's name): model, shard count, committed mark, closed windows, and
/// the outbox of alerts that sinks still have to receive.
/// </summary>
internal interface IStateGrain : IGrainWithStringKey
{
    Task<StateMeta> Get();

    /// <summary>After every shard took the baseline: the mark moves to its end and the closed windows are
    /// forgotten.</summary>
    Task Baselined(string model, string entity, int shards, long from, long to, long spanSeconds);

    /// <summary>
    /// After every shard closed the window: records it as closed with its new suppression marks and its alerts in
    /// the outbox, in one write. Repeating it for a closed window changes nothing.
    /// </summary>
    Task Closed(long window, long windowSeconds, Dictionary<string, long> marks, List<OutboxEntry> alerts);

    /// <summary>Held alerts for a sink, oldest first; with <paramref name="now"/>, only those due then.</summary>
    Task<List<OutboxEntry>> HeldFor(string sink, long? now);

    Task Delivered(string sink, List<string> alertIds);

    Task Rejected(string sink, string alertId, string reason, long retryAt);

    Task<List<string>> SinksWithHeld();

    Task<int> MoveHeld(string from, string to);
}
