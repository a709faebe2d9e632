using Orleans.Networking.Shared;
using Orleans.Runtime.Messaging;
using Orleans.Storage;

namespace FlowSpike.Cluster;

/// <summary>
/// Retries a grain call that failed because a silo died or was unreachable. Orleans reactivates the grain on a live
/// silo from its persisted state; every FlowSpike grain call is idempotent, so a repeat is safe.
/// </summary>
internal static class ClusterRetry
{
    /// <summary>How long to keep trying: membership must first declare the dead silo dead.</summary>
    public static TimeSpan Patience { get; set; } = TimeSpan.FromMinutes(3);

    public static async Task<T> Run<T>(Func<Task<T>> call, string what, IRunLog? log = null,
        CancellationToken cancellation = default, MembershipWatch? watch = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        var delay = TimeSpan.FromMilliseconds(250);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await Watched(call, watch, cancellation);
            }
            catch (Exception e) when (IsTransient(e) && DateTime.UtcNow < deadline)
            {
                if (attempt == 1)
                    log?.Warn($"{what}: {e.GetType().Name} ({FirstLine(e.Message)}); retrying");
                await Task.Delay(delay, cancellation);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 4000));
            }
        }
    }

    public static Task Run(Func<Task> call, string what, IRunLog? log = null, CancellationToken cancellation = default,
        MembershipWatch? watch = null) =>
        Run(async () => { await call(); return true; }, what, log, cancellation, watch);

    /// <summary>Awaits the call, but gives it up as failed when a silo leaves the cluster while it is in
    /// flight.</summary>
    private static async Task<T> Watched<T>(Func<Task<T>> call, MembershipWatch? watch, CancellationToken cancellation)
    {
        if (watch is null)
            return await call();
        int seen = watch.Departures;
        var task = call();
        while (!task.IsCompleted)
        {
            await Task.WhenAny(task, Task.Delay(250, cancellation));
            cancellation.ThrowIfCancellationRequested();
            if (!task.IsCompleted && watch.Departures != seen)
            {
                // The abandoned call may still fail later; observe it so it is not reported as unobserved.
                _ = task.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted,
                    TaskScheduler.Default);
                throw new SiloUnavailableException("a silo left the cluster while this call was in flight");
            }
        }
        return await task;
    }

    /// <summary>Failures of the messaging layer or of storage concurrency, not of the work itself.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException
            or SocketConnectionException or GatewayTooBusyException or ClientNotAvailableException
            or InconsistentStateException or TimeoutException => true,
        AggregateException a => a.InnerExceptions.All(IsTransient),
        _ => e.InnerException is { } inner && IsTransient(inner),
    };

    private static string FirstLine(string message)
    {
        int n = message.IndexOf('\n', StringComparison.Ordinal);
        return n < 0 ? message : message[..n];
    }
}
