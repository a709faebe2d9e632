using System.Text.RegularExpressions;
using FlowSpike.Cluster.Grains;
using FlowSpike.Cluster.Wire;
using FlowSpike.Queue;
using FlowSpike.Records;
using FlowSpike.Watch;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowSpike.Cluster.Hosting;

/// <summary>
/// Runs on every silo: for each `cluster watch --queue` running, receives from the queue and counts the notified
/// objects with the same consumer as `watch --queue`, committing to the cluster's ledger. A silo added to the cluster
/// simply starts receiving too.
/// </summary>
internal sealed partial class QueueWorker(IGrainFactory grains, ILocalSiloDetails silo, ScanSlots slots,
    WatchMetrics metrics, QueueMetrics queueMetrics, ILogger<QueueWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new Dictionary<string, Task>(StringComparer.Ordinal);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                foreach (var done in running.Where(r => r.Value.IsCompleted).ToList())
                    running.Remove(done.Key);
                try
                {
                    var registry = grains.GetGrain<IScanRegistryGrain>(ClusterNames.QueueWatches);
                    foreach (string state in await registry.Queues())
                    {
                        if (!running.ContainsKey(state))
                        {
                            running[state] = Task.Factory.StartNew(() => Consume(state, stoppingToken),
                                stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                        }
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogPollFailed(logger, e.GetType().Name, e.Message);
                }
                await Task.Delay(1000, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await Task.WhenAll(running.Values);
    }

    /// <summary>Rounds until the watch stops; on its own thread, as the consumer blocks.</summary>
    private void Consume(string state, CancellationToken stop)
    {
        var watch = grains.GetGrain<IQueueWatchGrain>(state);
        var log = new Log(logger);
        QueueConsumer? consumer = null;
        string? jobId = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                QueueRoundTicket? ticket;
                try
                {
                    ticket = ClusterRetry.Run(() => watch.BeginRound(silo.SiloAddress), "queue watch")
                        .GetAwaiter().GetResult();
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    LogPollFailed(logger, e.GetType().Name, e.Message);
                    stop.WaitHandle.WaitOne(1000);
                    continue;
                }
                if (ticket is null)
                    return;
                var job = ticket.Job;
                bool drained = false;
                try
                {
                    if (consumer is null || jobId != job.Id)
                    {
                        consumer?.Dispose();
                        consumer = Create(state, job, log);
                        jobId = job.Id;
                    }
                    consumer.Run(job.WaitSeconds, ticket.Open, job.Scan.WindowSeconds,
                        DateTimeOffset.UtcNow.ToUnixTimeSeconds(), stop);
                    drained = consumer.Drained();
                    consumer.Observe(queueMetrics);
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    // What it had in flight is released (its heartbeat stops) and comes back after its visibility
                    // timeout.
                    LogRoundFailed(logger, state, e.GetType().Name, e.Message);
                    consumer?.Dispose();
                    consumer = null;
                    stop.WaitHandle.WaitOne(TimeSpan.FromSeconds(5));
                }
                try
                {
                    ClusterRetry.Run(() => watch.EndRound(silo.SiloAddress, ticket.Activation, ticket.Epoch, drained),
                        "queue watch").GetAwaiter().GetResult();
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    LogPollFailed(logger, e.GetType().Name, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            consumer?.Dispose();
        }
    }

    private QueueConsumer Create(string state, QueueWatchMessage job, IRunLog log)
    {
        var request = new QueueRequest
        {
            Url = job.QueueUrl,
            EndpointUrl = job.EndpointUrl,
            Region = job.Region,
            VisibilitySeconds = job.VisibilitySeconds,
            KeyPrefix = job.KeyPrefix,
            KeyRegex = job.KeyRegex is { } r
                ? new Regex(r, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))
                : null,
            BytesInFlight = job.BytesInFlight,
            WaitSeconds = job.WaitSeconds,
        };
        // The silo's own credential chain, as for every cluster scan.
        var s3 = S3Settings.FromEnvironment(job.Scan.S3EndpointUrl) with
        {
            Region = job.Scan.S3Region ?? S3Settings.FromEnvironment().Region,
        };
        return new QueueConsumer(request, s3, new ClusterLedger(grains, state, job), slots.Count, metrics,
            queueMetrics, log);
    }

    /// <summary>The consumer's messages go to the silo's log.</summary>
    private sealed class Log(ILogger logger) : IRunLog
    {
        public void Info(string message) => LogInfo(logger, message);

        public void Warn(string message) => LogWarn(logger, message);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "queue worker: polling failed ({Type}: {Message})")]
    private static partial void LogPollFailed(ILogger logger, string type, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "queue watch {State}: round failed ({Type}: {Message})")]
    private static partial void LogRoundFailed(ILogger logger, string state, string type, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "queue watch: {Message}")]
    private static partial void LogInfo(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "queue watch: {Message}")]
    private static partial void LogWarn(ILogger logger, string message);
}
