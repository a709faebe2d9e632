using FlowSpike.Delivery;
using FlowSpike.Detection;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Time;
using FlowSpike.Watch;

namespace FlowSpike.Queue;

/// <summary>
/// watch --queue: counts the objects S3 notifications name, each once, and deletes a message only after its objects'
/// counts have committed. A window closes once the clock is past its end plus the lateness and the queue has been
/// seen drained since then: nothing waiting, nothing delayed, nothing in flight that could still add records.
/// </summary>
internal static class QueueWatchRun
{
    /// <summary>How long a --once run waits on each receive (a continuous run long-polls 20 s).</summary>
    public const int OnceWaitSeconds = 1;

    public static int Execute(IStateStore store, InputOptions input, WatchRequest request, QueueRequest queue,
        AlertDispatcher dispatcher, IRunLog log, WatchMetrics metrics, QueueMetrics queueMetrics,
        CancellationToken cancellation)
    {
        long size = request.WindowSeconds;
        if (size <= 0)
            throw new RunException($"{Setting.Name(nameof(JobSettings.WindowSeconds))} must be positive");
        if (request.LatenessSeconds < 0)
            throw new RunException($"{Setting.Name(nameof(JobSettings.LatenessSeconds))} must not be negative");
        if (queue.VisibilitySeconds is < 1 or > 43200)
            throw new RunException($"{Setting.Name(nameof(JobSettings.VisibilityTimeoutSeconds))} must be from 1s " +
                $"to 12h (SQS's " +
                $"range; got {queue.VisibilitySeconds}s)");
        if (request.Policy.Settings.Validate() is { } bad)
            throw new RunException(bad);
        QueueBackfill.Check(input, queue);
        DetectSequence.RefuseOtherSpan(store.Info.BaselineSpanSeconds, size);
        long open = WatchRun.FirstOpenWindow(store.Info, request, log);

        var ledger = new StoreLedger(store, input);
        using var consumer = new QueueConsumer(queue, input.S3 ?? S3Settings.FromEnvironment(), ledger, input.Threads,
            metrics, queueMetrics, log);
        var client = consumer.Client;
        string? deadLetters = Checked(queue, () => client.DeadLetterUrl());
        long keep = KeepSeconds(client, queue, deadLetters, log);
        dispatcher.Check();
        dispatcher.DeliverOutbox(store);
        dispatcher.Ready();
        var closer = new WindowCloser(store, new BaselineTable(store.LoadLookup(), store.Entities),
            request.Policy.CreateModel(), request.Policy, dispatcher, size);
        metrics.CommittedUntil(open);
        log.Info($"consuming {queue.Url}: next window {TimeRange.Format(open)}, window {size}s, lateness " +
            $"{request.LatenessSeconds}s, visibility timeout {queue.VisibilitySeconds}s" +
            (deadLetters is null ? " (the queue has no redrive policy: a poison message comes back for ever)" : ""));
        if (queue.BackfillFrom is { } from)
            QueueBackfill.Count(input, from, consumer.Round.Counter, open, size, Clock(request), log, queueMetrics,
                cancellation);

        var round = consumer.Round;
        // Wall time at which each window's clock condition first held; it closes after a drain seen later.
        var eligibleSince = new Dictionary<long, DateTime>();
        var waitingForQueue = new HashSet<long>();
        DateTime? drainedAt = null;
        DateTime nextDeadLetterLook = DateTime.MinValue;
        var closes = new WatchCloses(log, request.AllowEmptyWindows);
        int heldAtEnd = 0;
        while (!cancellation.IsCancellationRequested)
        {
            long clock = Clock(request);
            metrics.Watermark(clock);
            var before = DateTime.UtcNow;
            for (long w = open; w + size + request.LatenessSeconds <= clock; w += size)
                eligibleSince.TryAdd(w, before);
            var now = DateTime.UtcNow;
            foreach (var (id, _) in round.LeftOnQueue.Where(l => l.Value.Until <= now).ToList())
                round.LeftOnQueue.Remove(id);
            int received;
            QueueClient.Backlog depth;
            try
            {
                received = Checked(queue, () => round.Run(request.Once ? OnceWaitSeconds : queue.WaitSeconds, open,
                    size, clock, cancellation), retryTransient: !request.Once);
                depth = Checked(queue, client.Depth, retryTransient: !request.Once);
            }
            catch (QueueException e) when (e.Transient && !request.Once)
            {
                log.Warn(e.Message + "; retrying in 5s");
                cancellation.WaitHandle.WaitOne(TimeSpan.FromSeconds(5));
                continue;
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                break;
            }
            queueMetrics.Backlog(depth.Visible);
            // Drained as of the round's last receive: it found nothing more visible, nothing is delayed, and nothing
            // is in flight but the messages left here, none of which may still add records. Every message sent
            // before that receive is then committed (or can add nothing), even while new ones keep arriving.
            // (A left message whose timeout has passed is visible again, not in flight, yet may still add records.)
            int mayAdd = round.LeftOnQueue.Values.Count(l => l.MayAddRecords);
            var after = DateTime.UtcNow;
            bool settled = round.Exhausted && depth.Delayed == 0
                && depth.InFlight <= round.LeftOnQueue.Values.Count(l => l.Until > after);
            if (settled && mayAdd == 0)
                drainedAt = round.LastReceiveAt;
            // --once stops when nothing is left to receive.
            bool quiet = received == 0 && settled && depth.Visible == 0;
            if (quiet && request.Once && mayAdd > 0)
                log.Warn($"{mayAdd} message(s) left on the queue after a failure that may pass; the windows " +
                    "they could add to stay open until they are counted");
            if (deadLetters is not null && DateTime.UtcNow >= nextDeadLetterLook)
            {
                nextDeadLetterLook = DateTime.UtcNow.AddMinutes(1);
                try
                {
                    queueMetrics.DeadLetters(client.Depth(deadLetters).Visible);
                }
                catch (QueueException e)
                {
                    log.Warn($"dead-letter queue {deadLetters}: {e.Message}");
                }
            }
            while (open + size + request.LatenessSeconds <= clock && !cancellation.IsCancellationRequested)
            {
                var since = eligibleSince.GetValueOrDefault(open, before);
                if (drainedAt is not { } drained || drained < since)
                {
                    // Kept open past a round in which the clock already allowed it: it closes late.
                    if (since < before)
                        waitingForQueue.Add(open);
                    break;
                }
                if (closes.StaysOpen(open, store.HasRecords(open)))
                    break;
                var outcome = closer.Close(open, store.LoadOpenWindow(open));
                metrics.WindowClosed(open + size, outcome.Alerts);
                if (waitingForQueue.Remove(open))
                    queueMetrics.WindowClosedLate();
                eligibleSince.Remove(open);
                closes.Closed(open, outcome.Result.ActiveSources, outcome.Alerts);
                open += size;
            }
            // The ledger keeps only what dedup needs, a bounded part per round: no message left on the queue can
            // name a row that goes (StoreLedger).
            ledger.Prune(open, request.LatenessSeconds, clock - keep, PruneBudget);
            // Retry sinks that were down; --once gives each one last try and reports what stays held.
            int held = dispatcher.DeliverOutbox(store, force: request.Once && quiet);
            if (request.Once && quiet)
            {
                heldAtEnd = held;
                break;
            }
        }
        log.Info($"stopped; next window {TimeRange.Format(open)}; messages: " + string.Join(", ",
            queueMetrics.Messages.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key} {m.Value}")));
        return heldAtEnd;
    }

    /// <summary>Margin on the queues' retention for S3's own late or repeated deliveries of a notification (sent
    /// after the object was counted), which S3 makes within minutes.</summary>
    public const long KeepMarginSeconds = 3600;

    /// <summary>
    /// How long after an object was counted its ledger row is kept: the longer retention of the queue and its
    /// dead-letter queue (a message moved there and redriven back may name it until then), plus
    /// <see cref="KeepMarginSeconds"/>. A dead-letter queue that cannot be asked counts as SQS's longest.
    /// </summary>
    internal static long KeepSeconds(QueueClient client, QueueRequest queue, string? deadLetters, IRunLog log)
    {
        long retention = Checked(queue, () => client.RetentionSeconds(client.Url));
        if (deadLetters is not null)
        {
            try
            {
                retention = Math.Max(retention, client.RetentionSeconds(deadLetters));
            }
            catch (QueueException e)
            {
                log.Warn($"dead-letter queue {deadLetters}: {e.Message}; ledger rows are kept for SQS's longest " +
                    "retention");
                retention = QueueClient.MaxRetentionSeconds;
            }
        }
        return retention + KeepMarginSeconds;
    }

    /// <summary>How long one round may spend pruning the ledger (what is left goes at the next round).</summary>
    private static readonly TimeSpan PruneBudget = TimeSpan.FromMilliseconds(250);

    private static long Clock(WatchRequest request) =>
        WatchRun.ReadClock(request.ClockFile) ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>An SQS call at start-up or between rounds; a failure is the user's to fix, named by the flag.</summary>
    private static T Checked<T>(QueueRequest queue, Func<T> call, bool retryTransient = false)
    {
        try
        {
            return call();
        }
        catch (QueueException e) when (!(retryTransient && e.Transient))
        {
            throw new RunException($"{Setting.Name(nameof(JobSettings.Queue))} {queue.Url}: " +
                $"{e.Message.Replace(queue.Url + ": ", "",
                StringComparison.Ordinal)}");
        }
    }
}
