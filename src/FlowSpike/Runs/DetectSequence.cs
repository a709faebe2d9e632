using FlowSpike.Delivery;
using FlowSpike.Time;

namespace FlowSpike.Runs;

/// <summary>
/// The one detect sequence, for the local state and the cluster alike: validate, deliver held alerts, plan, scan,
/// stop at the first empty window, close each window in time order, deliver, summarise. A path supplies only its
/// state, its scan and its close of one window (<see cref="IDetectPath"/>).
/// </summary>
internal static class DetectSequence
{
    /// <summary>What the sequence did; <c>Held</c> counts alerts a sink has not taken yet.</summary>
    public sealed record Outcome(int WindowsClosed, int WindowsSkipped, WindowTally Tally, int Held);

    public static async Task<Outcome> RunAsync(IDetectPath path, DetectRequest request, AlertDispatcher dispatcher,
        IRunLog log, CancellationToken cancellation)
    {
        long size = request.WindowSeconds;
        Validate(request);
        dispatcher.Check();
        await DeliverAsync(dispatcher, path, force: false, cancellation);

        var state = await path.ReadStateAsync(request, cancellation);
        if (!request.AllowSpanMismatch)
            RefuseOtherSpan(state.BaselineSpanSeconds, size);
        var todo = WindowPlan.Todo(request, state.IsClosed, state.CommittedUntil, log, out int skipped);
        if (todo.Count == 0)
            return new Outcome(0, skipped, default, await DeliverAsync(dispatcher, path, force: true, cancellation));

        var present = await path.ScanAsync(todo[0], request.To, cancellation);
        // A window without a single flow-log record is a gap in the data, not a quiet hour, unless the user says so.
        var empty = request.AllowEmptyWindows ? [] : todo.Where(w => !present.ContainsKey(w)).ToList();
        var close = empty.Count == 0 ? todo : [.. todo.TakeWhile(w => w < empty[0])];
        var tally = default(WindowTally);
        foreach (long w in close)
        {
            cancellation.ThrowIfCancellationRequested();
            tally += await path.CloseWindowAsync(w, cancellation);
        }
        // The committed windows' alerts go out before an empty window stops the run.
        int held = await DeliverAsync(dispatcher, path, force: true, cancellation);
        string more = await path.FinishAsync();
        if (close.Count > 0)
        {
            log.Info($"closed {close.Count} window(s) {TimeRange.Format(close[0])} .. " +
                $"{TimeRange.Format(close[^1] + size)}: {tally}{more}");
        }
        if (empty.Count > 0)
            throw EmptyWindows(empty, todo.Count - close.Count, size);
        return new Outcome(close.Count, skipped, tally, held);
    }

    private static void Validate(DetectRequest request)
    {
        RangeCheck.Validate(request.From, request.To, request.WindowSeconds, nameof(JobSettings.WindowSeconds));
        RangeCheck.RefuseFuture(request.To);
        if (request.Policy.Settings.Validate() is { } bad)
            throw new RunException(bad);
    }

    /// <summary>Delivers from the path's outbox (off the caller's thread: the cluster's outbox waits on grains);
    /// returns how many alerts are still held.</summary>
    private static Task<int> DeliverAsync(AlertDispatcher dispatcher, IDetectPath path, bool force,
        CancellationToken cancellation) =>
        Task.Run(() => dispatcher.DeliverOutbox(path.Outbox, force), cancellation);

    /// <summary>A detect window must be the baseline's bucket: 2h counts against an hourly mean test nothing.</summary>
    public static void RefuseOtherSpan(long? baselineSpanSeconds, long size)
    {
        if (baselineSpanSeconds is { } span && span != size)
        {
            throw new RunException($"{Setting.Name(nameof(JobSettings.WindowSeconds))} {size}s differs from the " +
                $"state's baseline span of {span}s; use {Setting.Name(nameof(JobSettings.WindowSeconds))} {span}s, " +
                $"rebuild the baseline with {Setting.Name(nameof(JobSettings.SpanSeconds))} {size}s, or give " +
                $"{Setting.Name(nameof(JobSettings.AllowSpanMismatch))}");
        }
    }

    public static RunException EmptyWindows(List<long> empty, int uncommitted, long size)
    {
        string names = string.Join(", ", empty.Take(5).Select(TimeRange.Format)) + (empty.Count > 5 ? ", ..." : "");
        return new RunException($"{empty.Count} window(s) of {size}s had no flow-log records at all: {names}; " +
            $"{uncommitted} window(s) from {TimeRange.Format(empty[0])} on were not committed (a gap in the " +
            $"inputs?). Rerun with the data, or with {Setting.Name(nameof(JobSettings.AllowEmptyWindows))} if the " +
            "silence is real");
    }
}
