using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.Time;
using FlowSpike.Watch;

namespace FlowSpike.Queue;

/// <summary>
/// --backfill-from: lists the s3:// inputs from a time once, through the S3 reader every input uses, and counts what
/// the ledger lacks. The queue's consumers commit to the same ledger, so an object both listed and notified is counted
/// once, whichever comes first.
/// </summary>
internal static class QueueBackfill
{
    /// <summary>The refusal when there is nothing to list.</summary>
    public static void Check(InputOptions input, QueueRequest queue)
    {
        if (queue.BackfillFrom is not null && !input.Inputs.Any(S3Uri.IsS3))
            throw new RunException($"{Setting.Name(nameof(JobSettings.BackfillFrom))} lists the history of the s3:// " +
                $"{Setting.Name(nameof(JobSettings.Inputs))}: give the bucket and prefix the queue is notified for");
    }

    /// <summary>Lists and counts into <paramref name="ledger"/> (the cluster's, from the coordinator); returns the
    /// objects counted.</summary>
    public static int Run(InputOptions input, long from, ICountLedger ledger, long open, long size, long clock,
        IRunLog log, QueueMetrics metrics, CancellationToken cancellation)
    {
        using var s3 = (input.S3 ?? S3Settings.FromEnvironment()).CreateClient();
        using var watchMetrics = new WatchMetrics();
        return Count(input, from, new ObjectCounter(ledger, s3, watchMetrics, log), open, size, clock, log, metrics,
            cancellation);
    }

    internal static int Count(InputOptions input, long from, ObjectCounter counter, long open, long size, long clock,
        IRunLog log, QueueMetrics metrics, CancellationToken cancellation)
    {
        // Objects stamped before the pruned bound may have been counted and forgotten: a listing cannot tell them from
        // uncounted ones (a notification can), and their records could only be late, so they are not listed.
        long listFrom = from;
        if (counter.PrunedBelow is { } pruned && from - InputSet.Slack < pruned)
        {
            log.Info($"backfill from {TimeRange.Format(from)}: objects stamped before {TimeRange.Format(pruned)} " +
                "are not listed (their windows are closed and the ledger has forgotten them)");
            listFrom = pruned + InputSet.Slack;
        }
        var files = InputSet.Expand(input.Inputs.Where(S3Uri.IsS3), listFrom, long.MaxValue / 4, input.S3, log.Warn);
        int counted = 0;
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = input.Threads }, file =>
        {
            var outcome = counter.Count(file, open, size, clock, cancellation);
            metrics.Object("backfill_" + outcome.Label());
            if (outcome == ObjectOutcome.Counted)
                Interlocked.Increment(ref counted);
            else if (outcome == ObjectOutcome.Transient)
                log.Warn($"{file.Path}: not counted by the backfill; run it again to count it");
        });
        log.Info($"backfill from {TimeRange.Format(from)}: {files.Count} object(s) listed, {counted} counted");
        return counted;
    }
}
