using FlowSpike.Aggregation;
using FlowSpike.Delivery;
using FlowSpike.Detection;
using FlowSpike.Records;
using FlowSpike.State;

namespace FlowSpike.Runs;

/// <summary>
/// The detection over a range, one window at a time in time order. Resumable: windows already applied are skipped,
/// each window commits with its alerts in one transaction, and alerts are delivered from the outbox afterwards.
/// </summary>
public static class DetectRun
{
    /// <param name="Held">Alerts committed but not yet delivered to every sink (a sink is down or rejected them).</param>
    public sealed record Result(int WindowsApplied, int WindowsSkipped, int Alerts, int Suppressed,
        ScanDiagnostics? Diagnostics, int Held = 0);

    /// <summary>Runs with one sink (which the caller disposes).</summary>
    public static Result Execute(IStateStore store, InputOptions input, DetectRequest request, IAlertSink sink, IRunLog log, CancellationToken cancellation = default) =>
        Execute(store, input, request, AlertDispatcher.Single(sink, log), log, cancellation);

    public static Result Execute(IStateStore store, InputOptions input, DetectRequest request, AlertDispatcher dispatcher, IRunLog log, CancellationToken cancellation = default)
    {
        long size = request.WindowSeconds;
        TimeRange.Validate(request.From, request.To, size, "--window");
        if (request.Policy.Settings.Validate() is { } bad)
            throw new RunException(bad);

        dispatcher.Check();
        dispatcher.DeliverPending(store);

        var info = store.Info;
        var applied = store.AppliedWindows(request.From, request.To);
        var todo = WindowPlan.Todo(request, applied.Contains, info.CommittedUntil, log, out int skipped);
        if (todo.Count == 0)
            return new Result(0, skipped, 0, 0, null, dispatcher.DeliverPending(store, force: true));

        var table = new BaselineTable(store.LoadLookup(), store.Entities);
        if (table.Count == 0)
            log.Warn("the state has no baseline; hosts are only scored once a baseline seeds them (run `flowspike baseline` first)");

        var files = InputSet.Expand(input.Inputs, todo[0], request.To, input.S3);
        var scan = FlowScanner.Scan(files, input.Scan(todo[0], request.To, size, keepDetails: true, entities: store.Entities), cancellation);
        RunReport.Scan(scan.Diagnostics, log);

        var applier = new WindowApplier(store, table, request.Policy.CreateModel(), request.Policy, dispatcher, size);
        int alerts = 0, suppressed = 0;
        foreach (long w in todo)
        {
            cancellation.ThrowIfCancellationRequested();
            var outcome = applier.Apply(w, scan.Partial.SourcesIn(w));
            alerts += outcome.Delivered;
            suppressed += outcome.Result.Suppressed + outcome.Suppressed;
        }
        log.Info($"applied {todo.Count} window(s) {TimeRange.Format(todo[0])} .. {TimeRange.Format(request.To)}: {alerts} alert(s), {suppressed} suppressed by allowlists or throttling");
        int held = dispatcher.DeliverPending(store, force: true);
        return new Result(todo.Count, skipped, alerts, suppressed, scan.Diagnostics, held);
    }
}
