using FlowSpike.Aggregation;
using FlowSpike.Delivery;
using FlowSpike.Detection;
using FlowSpike.Jobs;
using FlowSpike.Records;
using FlowSpike.State;

namespace FlowSpike.Runs;

/// <summary>
/// The detection over a range, one window at a time in time order. Resumable: windows already closed are skipped,
/// each window commits with its alerts in one transaction, and alerts are delivered from the outbox afterwards.
/// </summary>
internal static class DetectRun
{
    /// <param name="Held">Alerts committed but not yet delivered to every sink (a sink is down or rejected
    /// them).</param>
    public sealed record Result(int WindowsClosed, int WindowsSkipped, int Alerts, int Suppressed,
        ScanDiagnostics? Diagnostics, int Held = 0);

    /// <summary>Runs with one sink (which the caller disposes).</summary>
    public static Result Execute(IStateStore store, InputOptions input, DetectRequest request, IAlertSink sink,
        IRunLog log, CancellationToken cancellation = default) =>
        Execute(store, input, request, AlertDispatcher.Single(sink, log), log, cancellation);

    public static Result Execute(IStateStore store, InputOptions input, DetectRequest request,
        AlertDispatcher dispatcher, IRunLog log, CancellationToken cancellation = default)
    {
        long size = request.WindowSeconds;
        TimeRange.Validate(request.From, request.To, size, "WindowSeconds");
        TimeRange.RefuseFuture(request.To);
        if (request.Policy.Settings.Validate() is { } bad)
            throw new RunException(bad);
        var info = store.Info;
        if (!request.AllowSpanMismatch)
            RefuseOtherSpan(info, size);

        dispatcher.Check();
        dispatcher.DeliverOutbox(store);

        var closed = store.ClosedWindows(request.From, request.To);
        var todo = WindowPlan.Todo(request, closed.Contains, info.CommittedUntil, log, out int skipped);
        if (todo.Count == 0)
            return new Result(0, skipped, 0, 0, null, dispatcher.DeliverOutbox(store, force: true));

        var files = InputSet.Expand(input.Inputs, todo[0], request.To, input.S3, log.Warn, input.Logs);
        InputCheck.RequireFiles(files, input);
        var scan = FlowScanner.Scan(files,
            input.Scan(todo[0], request.To, size, keepDetails: true, entities: store.Entities), cancellation);
        InputCheck.RequireRecords(files, scan.Diagnostics, input);
        // A bad input is named before a state that cannot score is refused.
        var table = new BaselineTable(store.LoadLookup(), store.Entities);
        Scoring.RefuseUnscorable(info, table.Count, request.Policy);
        if (table.Count == 0)
            log.Warn("the state has no baseline; hosts are only scored once a baseline seeds them (run `flowspike " +
                "baseline` first)");
        RunReport.Scan(scan.Diagnostics, log);

        // A window without a single flow-log record is a gap in the data, not a quiet hour, unless the user says so.
        var present = scan.Diagnostics.RecordsByWindow;
        var empty = request.AllowEmptyWindows ? [] : todo.Where(w => !present.ContainsKey(w)).ToList();
        var close = empty.Count == 0 ? todo : [.. todo.TakeWhile(w => w < empty[0])];

        var closer = new WindowCloser(store, table, request.Policy.CreateModel(), request.Policy, dispatcher, size);
        int alerts = 0, suppressed = 0;
        foreach (long w in close)
        {
            cancellation.ThrowIfCancellationRequested();
            var outcome = closer.Close(w, scan.Partial.SourcesIn(w));
            alerts += outcome.Delivered;
            suppressed += outcome.Result.Suppressed + outcome.Suppressed;
        }
        if (close.Count > 0)
        {
            log.Info($"closed {close.Count} window(s) " +
                $"{TimeRange.Format(close[0])} .. {TimeRange.Format(close[^1] + size)}: " +
                $"{alerts} alert(s), {suppressed} suppressed by allowlists or throttling");
        }
        // The committed windows' alerts go out before an empty window stops the run.
        int held = dispatcher.DeliverOutbox(store, force: true);
        if (empty.Count > 0)
            throw EmptyWindows(empty, todo.Count - close.Count, size);
        return new Result(close.Count, skipped, alerts, suppressed, scan.Diagnostics, held);
    }

    /// <summary>A detect window must be the baseline's bucket: 2h counts against an hourly mean test nothing.</summary>
    public static void RefuseOtherSpan(StateInfo info, long size)
    {
        if (info.BaselineSpanSeconds is { } span && span != size)
        {
            throw new RunException($"{Setting.Name(nameof(JobSettings.WindowSeconds))} {size}s differs from the " +
                $"state's baseline span " +
                $"of {span}s; " +
                $"use {Setting.Name(nameof(JobSettings.WindowSeconds))} {span}s, " +
                $"rebuild the baseline with {Setting.Name(nameof(JobSettings.SpanSeconds))} {size}s, or give " +
                    $"{Setting.Name(nameof(JobSettings.AllowSpanMismatch))}");
        }
    }

    public static RunException EmptyWindows(List<long> empty, int uncommitted, long size)
    {
        string names = string.Join(", ", empty.Take(5).Select(TimeRange.Format)) + (empty.Count > 5 ? ", ..." : "");
        return new RunException($"{empty.Count} window(s) of {size}s had no flow-log records at all: {names}; " +
            $"{uncommitted} window(s) from {TimeRange.Format(empty[0])} on were not committed " +
            "(a gap in the inputs?). " +
            $"Rerun with the data, or with {Setting.Name(nameof(JobSettings.AllowEmptyWindows))} if the silence is " +
                $"real");
    }
}
