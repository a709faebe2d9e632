using FlowSpike.Aggregation;
using FlowSpike.Alerts;
using FlowSpike.Baseline;
using FlowSpike.Detection;
using FlowSpike.State;

namespace FlowSpike.Runs;

/// <summary>
/// Applies one window for detect and watch alike: the window step, one transaction with its alerts in the outbox,
/// then delivery and the delivered mark.
/// </summary>
internal sealed class WindowApplier(IStateStore store, BaselineTable table, ISpikeModel model, AlertFilter filter, SpikeSettings settings, IAlertSink sink, long windowSeconds)
{
    private readonly int _delayMs = int.TryParse(Environment.GetEnvironmentVariable("FLOWSPIKE_TEST_COMMIT_DELAY_MS"), out int ms) ? ms : 0;

    public WindowResult Apply(long windowStart, IReadOnlyDictionary<uint, SourceWindowStats> sources)
    {
        var result = WindowStep.Apply(windowStart, windowStart + windowSeconds, sources, table, model, filter, settings);
        var outbox = result.Alerts.Select(a => new PendingAlert(a.Id, a.WindowStart, AlertJson.Serialize(a))).ToList();
        store.CommitWindow(result, outbox, windowSeconds);
        if (outbox.Count > 0)
        {
            sink.Deliver(outbox);
            store.MarkDelivered(outbox.Select(o => o.Id).ToList());
        }
        // FLOWSPIKE_TEST_COMMIT_DELAY_MS slows each window down so crash tests can kill a run mid-way.
        if (_delayMs > 0)
            Thread.Sleep(_delayMs);
        return result;
    }

    /// <summary>Delivers what an earlier run committed but did not get out.</summary>
    public static void DeliverPending(IStateStore store, IAlertSink sink, IRunLog log)
    {
        var pending = store.PendingAlerts();
        if (pending.Count == 0)
            return;
        log.Info($"delivering {pending.Count} alert(s) committed by an earlier run");
        sink.Deliver(pending);
        store.MarkDelivered(pending.Select(p => p.Id).ToList());
    }
}
