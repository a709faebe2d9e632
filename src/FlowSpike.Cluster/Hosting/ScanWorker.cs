using FlowSpike.Cluster.Grains;
using FlowSpike.Cluster.Wire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowSpike.Cluster.Hosting;

/// <summary>
/// Runs on every silo: pulls scan tasks from the open queues while it has free scan slots, and runs each on this silo
/// (the task grain is placed where it is first called). A fast silo simply pulls more.
/// </summary>
internal sealed partial class ScanWorker(IGrainFactory grains, ILocalSiloDetails silo, ScanSlots slots,
    ILogger<ScanWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                running.RemoveAll(t => t.IsCompleted);
                int free = slots.Count - running.Count;
                if (free == 0)
                {
                    await Task.WhenAny(running);
                    continue;
                }
                bool took = false;
                try
                {
                    foreach (string queue in await grains.GetGrain<IScanRegistryGrain>(ClusterNames.Registry).Queues())
                    {
                        if (free == 0)
                            break;
                        var lease = await grains.GetGrain<IScanQueueGrain>(queue).Take(silo.SiloAddress, free);
                        if (lease is null)
                            continue;
                        took = true;
                        foreach (var task in lease.Tasks)
                            running.Add(RunOne(queue, lease.Job, task));
                        free -= lease.Tasks.Length;
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // Not yet active, or the registry or a queue is moving to another silo: ask again shortly.
                    LogPollFailed(logger, e.GetType().Name, e.Message);
                }
                if (!took)
                    await Task.Delay(100, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunOne(string queue, ScanMessage job, ScanTask task)
    {
        var q = grains.GetGrain<IScanQueueGrain>(queue);
        try
        {
            var report = await ClusterRetry.Run(() => grains.GetGrain<IScanTaskGrain>(task.Id).Run(job, task),
                $"scan of {task.Path}");
            await ClusterRetry.Run(() => q.Complete(task.Id, report), $"completion of {task.Path}");
        }
        catch (Exception e) when (!ClusterRetry.IsTransient(e))
        {
            await ClusterRetry.Run(() => q.Fail(task.Id, e.Message), $"failure of {task.Path}");
        }
        catch (Exception e)
        {
            // The queue gave up on this silo or moved; it offers the task again.
            LogTaskAbandoned(logger, task.Path, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "scan worker: polling failed ({Type}: {Message})")]
    private static partial void LogPollFailed(ILogger logger, string type, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "scan worker: task {Path} abandoned ({Message})")]
    private static partial void LogTaskAbandoned(ILogger logger, string path, string message);
}
