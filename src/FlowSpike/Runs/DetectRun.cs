using FlowSpike.Aggregation;
using FlowSpike.Delivery;
using FlowSpike.Detection;
using FlowSpike.Records;
using FlowSpike.State;

namespace FlowSpike.Runs;

/// <summary>
/// Detect over a range on the local state: <see cref="DetectSequence"/> with this process's scan and window close.
/// Resumable: windows already closed are skipped, each window commits with its alerts in one transaction, and alerts
/// are delivered from the outbox afterwards.
/// </summary>
internal static class DetectRun
{
    /// <param name="Held">Alerts committed but not yet delivered to every sink (a sink is down or rejected
    /// them).</param>
    public sealed record Result(int WindowsClosed, int WindowsSkipped, WindowTally Tally,
        ScanDiagnostics? Diagnostics, int Held = 0)
    {
        public int Alerts => Tally.Alerts;
    }

    /// <summary>Runs with one sink (which the caller disposes).</summary>
    public static Result Execute(IStateStore store, InputOptions input, DetectRequest request, IAlertSink sink,
        IRunLog log, CancellationToken cancellation = default) =>
        Execute(store, input, request, AlertDispatcher.Single(sink, log), log, cancellation);

    public static Result Execute(IStateStore store, InputOptions input, DetectRequest request,
        AlertDispatcher dispatcher, IRunLog log, CancellationToken cancellation = default)
    {
        var path = new LocalPath(store, input, request, dispatcher, log);
        // A console process has no synchronization context: waiting on the sequence cannot deadlock.
        var outcome = DetectSequence.RunAsync(path, request, dispatcher, log, cancellation).GetAwaiter().GetResult();
        return new Result(outcome.WindowsClosed, outcome.WindowsSkipped, outcome.Tally, path.Diagnostics,
            outcome.Held);
    }

    private sealed class LocalPath(IStateStore store, InputOptions input, DetectRequest request,
        AlertDispatcher dispatcher, IRunLog log) : IDetectPath
    {
        private ScanResult? _scan;
        private WindowCloser? _closer;

        public IOutbox Outbox => store;

        public ScanDiagnostics? Diagnostics => _scan?.Diagnostics;

        public Task<DetectPlanInput> ReadStateAsync(DetectRequest request, CancellationToken cancellation)
        {
            var info = store.Info;
            var closed = store.ClosedWindows(request.From, request.To);
            return Task.FromResult(new DetectPlanInput(closed.Contains, info.CommittedUntil, info.BaselineSpanSeconds));
        }

        public Task<IReadOnlyDictionary<long, long>> ScanAsync(long from, long to, CancellationToken cancellation)
        {
            var files = InputSet.Expand(input.Inputs, from, to, input.S3, log.Warn, input.Logs);
            InputCheck.RequireFiles(files, input);
            _scan = FlowScanner.Scan(files,
                input.Scan(from, to, request.WindowSeconds, keepDetails: true, entities: store.Entities),
                cancellation);
            InputCheck.RequireRecords(files, _scan.Diagnostics, input);
            // A bad input is named before a state that cannot score is refused.
            var table = new BaselineTable(store.LoadLookup(), store.Entities);
            Scoring.RefuseUnscorable(store.Info, table.Count, request.Policy);
            if (table.Count == 0)
                log.Warn("the state has no baseline; hosts are only scored once a baseline seeds them (run " +
                    "`flowspike baseline` first)");
            RunReport.Scan(_scan.Diagnostics, log);
            _closer = new WindowCloser(store, table, request.Policy.CreateModel(), request.Policy, dispatcher,
                request.WindowSeconds);
            return Task.FromResult<IReadOnlyDictionary<long, long>>(_scan.Diagnostics.RecordsByWindow);
        }

        public Task<WindowTally> CloseWindowAsync(long window, CancellationToken cancellation) =>
            Task.FromResult(_closer!.Close(window, _scan!.Partial.SourcesIn(window)).Tally);

        public Task<string> FinishAsync() => Task.FromResult("");
    }
}
