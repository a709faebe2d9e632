using FlowSpike.Aggregation;
using FlowSpike.Alerts;
using FlowSpike.Baseline;
using FlowSpike.Detection;
using FlowSpike.State;

namespace FlowSpike.Runs;

/// <summary>
/// Applies one window for detect and watch alike: the window step, suppression, then one transaction with the rows,
/// the alerts in the outbox, the suppression marks and the history; delivery follows the commit.
/// </summary>
internal sealed class WindowApplier(IStateStore store, BaselineTable table, ISpikeModel model, AlertPolicy policy,
    AlertDispatcher dispatcher, long windowSeconds)
{
    public WindowOutcome Apply(long windowStart, IReadOnlyDictionary<uint, SourceWindowStats> sources)
    {
        var result = WindowStep.Apply(windowStart, windowStart + windowSeconds, sources, table, model, policy.Filter,
            policy.Settings);
        var closed = WindowClose.Close(result.Alerts, policy, () => RolloutAwareness.ActiveHosts(sources.Values),
            store.SuppressedUntil);
        result = result with { Alerts = closed.Alerts };
        store.CommitWindow(new WindowCommit
        {
            Result = result,
            WindowSeconds = windowSeconds,
            Alerts = closed.Outbox,
            Sinks = dispatcher.Names,
            Suppressions = closed.Marks,
            History = policy.KeepHistory ? History(result, sources, closed.Suppressed) : null,
            HistoryRetentionSeconds = policy.HistoryRetentionSeconds,
        });
        dispatcher.DeliverPending(store);
        TestHooks.WindowCommitted?.Invoke();
        return new WindowOutcome(result, closed.Outbox.Count, closed.Suppressed.Count);
    }

    private List<HistoryRow> History(WindowResult result, IReadOnlyDictionary<uint, SourceWindowStats> sources,
        IReadOnlySet<string> suppressed)
    {
        // A grouped rollout alert stands for each of its hosts.
        var alertBySrc = new Dictionary<string, Alert>(StringComparer.Ordinal);
        foreach (var a in result.Alerts)
        {
            foreach (string host in a.GroupedHosts.Count > 0 ? a.GroupedHosts : [a.Host])
                alertBySrc[host] = a;
        }
        var rows = result.ChangedRows.ToDictionary(r => r.Src);
        var history = new List<HistoryRow>(sources.Count);
        foreach (var score in result.Scores)
        {
            var row = rows[score.Src];
            string? alertId = score.Spike && alertBySrc.TryGetValue(table.Names.NameOf(score.Src),
                out var a) ? a.Id : null;
            history.Add(new HistoryRow(result.WindowStart, score.Src, score.Count, row.Avg, row.Stdev,
                row.NumDataPoints,
                double.IsNaN(score.Threshold) ? null : score.Threshold, score.Spike, alertId, alertId is not null
                    && suppressed.Contains(alertId)));
        }
        return history;
    }
}
