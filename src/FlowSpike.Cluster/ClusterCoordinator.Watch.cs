using FlowSpike.Cluster.Grains;
using FlowSpike.Cluster.Wire;
using FlowSpike.Delivery;
using FlowSpike.Queue;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Time;
using FlowSpike.Watch;

namespace FlowSpike.Cluster;

internal sealed partial class ClusterCoordinator
{
    /// <summary>What `cluster watch` refuses before it connects.</summary>
    public static void CheckWatch(InputOptions input, WatchRequest request, QueueRequest queue)
    {
        QueueBackfill.Check(input, queue);
        if (request.WindowSeconds <= 0)
            throw new RunException($"{Setting.Name(nameof(JobSettings.WindowSeconds))} must be positive");
        if (request.Policy.Settings.Validate() is { } bad)
            throw new RunException(bad);
    }

    /// <summary>
    /// `cluster watch --queue`: every silo consumes the queue and counts each notified object once into the
    /// cluster's ledger; this closes each window once, in order, when the clock is past its end plus the lateness and
    /// every silo has drained the queue since (<see cref="IQueueWatchGrain"/>), with the same window step and outbox
    /// as detect. Returns the windows closed.
    /// </summary>
    public async Task<int> WatchAsync(InputOptions input, WatchRequest request, QueueRequest queue,
        AlertDispatcher dispatcher, CancellationToken cancellation = default)
    {
        CheckWatch(input, request, queue);
        long size = request.WindowSeconds;
        await using var membership = new MembershipWatch(grains, TimeSpan.FromSeconds(1));
        _watch = membership;
        dispatcher.Check();
        var outbox = new ClusterOutbox(StateGrain, log, _watch);
        await Task.Run(() => dispatcher.DeliverOutbox(outbox), cancellation);
        var meta = await ClusterRetry.Run(() => StateGrain.Get(), "state record", log, cancellation, _watch);
        var policy = request.Policy;
        DetectSequence.RefuseOtherSpan(meta.BaselineSpanSeconds, size);
        if (meta.Model is { } stored && !string.Equals(stored, policy.Model, StringComparison.Ordinal))
            throw new RunException($"cluster state '{stateName}': the state was built with model '{stored}', not " +
                $"'{policy.Model}'; use a separate state per model");
        long open = WatchRun.FirstOpenWindow(new StateInfo(meta.Model ?? "", meta.CommittedUntil, null, null, null,
            null, meta.BaselineSpanSeconds), request, log);
        int shards = ShardCount(meta);
        var scan = ScanMessages.From(input, open, open + size, size, keepDetails: true, shards,
            EntityOf(meta, policy.Model)) with
        { SkipUnsupported = true };
        var job = new QueueWatchMessage
        {
            Id = Guid.NewGuid().ToString("N"),
            QueueUrl = queue.Url,
            EndpointUrl = queue.EndpointUrl,
            Region = queue.Region,
            VisibilitySeconds = queue.VisibilitySeconds,
            KeyPrefix = queue.KeyPrefix,
            KeyRegex = queue.KeyRegex?.ToString(),
            BytesInFlight = queue.BytesInFlight,
            WaitSeconds = request.Once ? QueueWatchRun.OnceWaitSeconds : queue.WaitSeconds,
            Scan = scan,
            LatenessSeconds = request.LatenessSeconds,
        };
        var watch = grains.GetGrain<IQueueWatchGrain>(stateName);
        var registry = grains.GetGrain<IScanRegistryGrain>(ClusterNames.QueueWatches);
        await ClusterRetry.Run(() => watch.Start(job, open), "queue watch", log, cancellation, _watch);
        if (queue.BackfillFrom is { } backfillFrom)
        {
            // Listed once before the silos consume; the shared ledger counts an object seen both ways once.
            long now = WatchRun.ReadClock(request.ClockFile) ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            using var backfillMetrics = new QueueMetrics();
            await Task.Run(() => QueueBackfill.Run(input, backfillFrom, new ClusterLedger(grains, stateName, job), open,
                size, now, log, backfillMetrics, cancellation), cancellation);
        }
        await ClusterRetry.Run(() => registry.Open(stateName), "queue watch", log, cancellation, _watch);
        var silos = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        log.Info($"consuming {queue.Url} on {silos.Count} silo(s): next window {TimeRange.Format(open)}, window " +
            $"{size}s, lateness {request.LatenessSeconds}s, visibility timeout {queue.VisibilitySeconds}s");
        int closedCount = 0;
        var closes = new WatchCloses(log, request.AllowEmptyWindows);
        long? drainMark = null;
        try
        {
            while (!cancellation.IsCancellationRequested)
            {
                long clock = WatchRun.ReadClock(request.ClockFile) ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                // --once: every silo drained after this run's windows became eligible; close them, then stop.
                bool last = drainMark is { } mark
                    && await ClusterRetry.Run(() => watch.DrainedSince(mark), "queue watch", log, cancellation,
                        _watch);
                while (open + size + request.LatenessSeconds <= clock && !cancellation.IsCancellationRequested)
                {
                    long w = open;
                    long through = WindowMath.Floor(clock - request.LatenessSeconds, size) - size;
                    var claim = await ClusterRetry.Run(() => watch.Claim(w, size, through, request.AllowEmptyWindows),
                        "queue watch", log, cancellation, _watch);
                    if (claim is null)
                        break;
                    if (closes.StaysOpen(w, claim.Records > 0))
                        break;
                    var detect = new DetectMessage
                    {
                        // The same run id for a repeat of this window: a shard answers it from its record.
                        RunId = $"watch/{stateName}/{w}",
                        WindowSeconds = size,
                        TaskIds = claim.TaskIds,
                        Entity = scan.Entity,
                        Policy = policy,
                    };
                    var closed = await CloseWindowAsync(detect, w, shards, meta, dispatcher, outbox, cancellation);
                    await ClusterRetry.Run(() => watch.Closed(w), "queue watch", log, cancellation, _watch);
                    closes.Closed(w, closed.Active, closed.Tally.Alerts);
                    closedCount++;
                    open += size;
                }
                await Task.Run(() => dispatcher.DeliverOutbox(outbox), cancellation);
                if (request.Once && last)
                    break;
                if (request.Once && drainMark is null)
                    drainMark = await ClusterRetry.Run(() => watch.Mark(), "queue watch", log, cancellation, _watch);
                await Task.Delay(request.Once ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromSeconds(5),
                    cancellation);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        finally
        {
            await ClusterRetry.Run(() => registry.Closed(stateName), "queue watch", log, CancellationToken.None,
                _watch);
            await ClusterRetry.Run(() => watch.Stop(), "queue watch", log, CancellationToken.None, _watch);
        }
        var late = await ClusterRetry.Run(() => watch.Late(), "queue watch", log, CancellationToken.None, _watch);
        if (late.Count > 0)
            log.Warn("late records (arrived after their window closed; counted, not scored): " + string.Join(", ",
                late.OrderBy(kv => kv.Key).Select(kv => $"{TimeRange.Format(kv.Key)} {kv.Value}")));
        int held = await Task.Run(() => dispatcher.DeliverOutbox(outbox, force: true), CancellationToken.None);
        log.Info($"stopped; next window {TimeRange.Format(open)}; {closedCount} window(s) closed" +
            (held > 0 ? $", {held} alert(s) held for a sink" : ""));
        return closedCount;
    }
}
