using FlowSpike.Baseline;
using FlowSpike.Detection;

namespace FlowSpike.State;

/// <summary>
/// Durable state: the lookup, the committed windows, and the alert outbox. Every mutation is one transaction, so a
/// crash leaves either the whole window applied or none of it.
/// </summary>
public interface IStateStore : IDisposable
{
    StateInfo Info { get; }

    IReadOnlyList<BaselineRow> LoadLookup();

    /// <summary>The window starts in [from, to) that were applied by detection since the last baseline.</summary>
    IReadOnlySet<long> AppliedWindows(long from, long to);

    /// <summary>Replaces the lookup with a new baseline and moves the committed mark to <paramref name="to"/>.</summary>
    void ReplaceBaseline(IReadOnlyCollection<BaselineRow> rows, long from, long to, long spanSeconds);

    /// <summary>Replaces the lookup with imported rows; the committed mark is kept.</summary>
    void ImportLookup(IReadOnlyCollection<BaselineRow> rows);

    /// <summary>Applies one window: the changed rows, the committed mark, and the alerts into the outbox.</summary>
    void CommitWindow(WindowResult result, IReadOnlyList<PendingAlert> alerts, long windowSeconds);

    IReadOnlyList<PendingAlert> PendingAlerts();

    void MarkDelivered(IReadOnlyCollection<string> alertIds);
}
