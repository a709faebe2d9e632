using FlowSpike.Delivery;
using FlowSpike.Detection;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Time;

namespace FlowSpike.Watch;

/// <summary>
/// Runs unattended: finds new input files as they arrive, counts each one exactly once (its counts and its ledger
/// entry commit together), and closes each window once the watermark has passed its end plus the allowed lateness,
/// with the same window step as detect. Records for windows already closed are counted as late, never scored.
/// </summary>
internal static class WatchRun
{
    /// <summary>How many polls the files present at start may hold window closes while their size settles.</summary>
    public const int StartupPolls = 10;

    /// <summary>How long a --once run waits before its second look at the sizes of new local files.</summary>
    public static readonly TimeSpan OnceSettle = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between polls that keep failing.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);

    /// <summary>Runs with one sink (which the caller disposes); returns the alerts still held at the end.</summary>
    public static int Execute(IStateStore store, InputOptions input, WatchRequest request, IAlertSink sink,
        IRunLog log, WatchMetrics metrics, CancellationToken cancellation) =>
        Execute(store, input, request, AlertDispatcher.Single(sink, log), log, metrics, cancellation);

    /// <summary>Follows the inputs; returns how many alert deliveries are still held when it stops.</summary>
    public static int Execute(IStateStore store, InputOptions input, WatchRequest request, AlertDispatcher dispatcher,
        IRunLog log, WatchMetrics metrics, CancellationToken cancellation)
    {
        long size = request.WindowSeconds;
        if (size <= 0)
            throw new RunException($"{Setting.Name(nameof(JobSettings.WindowSeconds))} must be positive");
        if (request.LatenessSeconds < 0)
            throw new RunException($"{Setting.Name(nameof(JobSettings.LatenessSeconds))} must not be negative");
        if (request.Policy.Settings.Validate() is { } bad)
            throw new RunException(bad);
        DetectSequence.RefuseOtherSpan(store.Info.BaselineSpanSeconds, size);
        long open = FirstOpenWindow(store.Info, request, log);
        var lookup = store.LoadLookup();
        Scoring.RefuseUnscorable(store.Info, lookup.Count, request.Policy);
        metrics.StaleAfterSeconds = request.StaleAfterSeconds;
        dispatcher.Observe(metrics.Held, metrics.DeliveryFailed);

        dispatcher.Check();
        dispatcher.DeliverOutbox(store);
        dispatcher.Ready();
        var closer = new WindowCloser(store, new BaselineTable(lookup, store.Entities), request.Policy.CreateModel(),
            request.Policy, dispatcher, size);
        return new WatchLoop(store, input, request, dispatcher, closer, log, metrics, open, cancellation).Run();
    }

    /// <summary>An input that could not be listed or fetched (S3, the network), as opposed to one that was read and
    /// is bad: the first kind is tried again, the second is recorded in the ledger.</summary>
    internal static bool IsTransient(FlowInputException e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpRequestException or IOException or TimeoutException
                or Amazon.Runtime.AmazonClientException or Amazon.Runtime.AmazonServiceException)
                return true;
        }
        return false;
    }

    public static long FirstOpenWindow(StateInfo info, WatchRequest request, IRunLog log)
    {
        long size = request.WindowSeconds;
        if (info.CommittedUntil is not { } mark)
        {
            if (request.From is not { } from)
                throw new RunException(Scoring.NoCommittedWindow(request.Policy));
            RangeCheck.Validate(from, from + size, size, "WindowSeconds");
            return from;
        }
        if (!WindowMath.IsAligned(mark, size))
            throw new RunException($"the committed mark {TimeRange.Format(mark)} is not aligned to " +
                $"{Setting.Name(nameof(JobSettings.WindowSeconds))} {size}s");
        if (request.From is { } f)
        {
            RangeCheck.Validate(f, f + size, size, "WindowSeconds");
            if (f < mark)
                throw new RunException($"{Setting.Name(nameof(JobSettings.From))} {TimeRange.Format(f)} is before " +
                    $"the committed mark " +
                    $"{TimeRange.Format(mark)}; closing it would reorder the baseline's history");
            if (f > mark)
            {
                log.Warn($"gap: no window was closed between {TimeRange.Format(mark)} and {TimeRange.Format(f)}");
                return f;
            }
        }
        return mark;
    }

    public static long? ReadClock(string? path)
    {
        if (path is null)
            return null;
        try
        {
            string text = File.ReadAllText(path).Trim();
            return TimeRange.TryParseTime(text,
                out long t) ? t : throw new RunException($"{Setting.Name(nameof(JobSettings.Clock))} {path}: " +
                    $"'{text}' is not a time");
        }
        catch (IOException e)
        {
            throw new RunException($"{Setting.Name(nameof(JobSettings.Clock))} {path}: cannot read ({e.Message})");
        }
    }
}
