using FlowSpike.Jobs;
using FlowSpike.Runs;
using FlowSpike.Watch;

namespace FlowSpike;

/// <summary>
/// The library's front door: runs baseline, detect and watch from the caller's settings, as the CLI does. Each call
/// checks every setting first (a refusal is a <see cref="RunException"/> naming it), then opens the state, builds the
/// sinks and disposes both before it returns.
/// </summary>
public static class Engine
{
    /// <summary>Learns each host's lookup row from the history in <c>From</c>..<c>To</c>.</summary>
    public static BaselineSummary Baseline(JobSettings settings, string? configFile = null, IRunLog? log = null)
    {
        var job = BaselineJob.Resolve(settings, Config(configFile));
        using var store = job.OpenState();
        var result = job.Run(store, log ?? NullRunLog.Instance);
        return new BaselineSummary(result.Hosts, result.Buckets, result.Diagnostics.Counted);
    }

    /// <summary>Closes each window of <c>From</c>..<c>To</c> in time order and delivers its alerts.</summary>
    public static DetectSummary Detect(JobSettings settings, string? configFile = null, IRunLog? log = null,
        CancellationToken cancellation = default)
    {
        var job = DetectJob.Resolve(settings, Config(configFile));
        log ??= NullRunLog.Instance;
        using var store = job.OpenState();
        using var dispatcher = job.CreateDispatcher(log);
        var result = job.Run(store, dispatcher, log, cancellation);
        return new DetectSummary(result.WindowsClosed, result.WindowsSkipped, result.Alerts, result.Held);
    }

    /// <summary>Watches the inputs (or the queue) until <paramref name="stop"/>, or once with <c>Once</c>.</summary>
    public static WatchSummary Watch(JobSettings settings, string? configFile = null, IRunLog? log = null,
        CancellationToken stop = default)
    {
        var job = WatchJob.Resolve(settings, Config(configFile));
        log ??= NullRunLog.Instance;
        using var metrics = new WatchMetrics();
        using var store = job.OpenWhenBaselined(log, metrics, stop);
        if (store is null)
            return new WatchSummary(0);
        using var dispatcher = job.CreateDispatcher(log);
        return new WatchSummary(job.Run(store, dispatcher, log, metrics, stop));
    }

    private static FlowSpikeConfig Config(string? file) =>
        file is null ? new FlowSpikeConfig() : FlowSpikeConfig.Load(file);
}

/// <summary>What a baseline learned: hosts with a lookup row, host-windows of history, records counted.</summary>
public sealed record BaselineSummary(int Hosts, long HostWindows, long Records);

/// <summary>What a detect did: windows closed and skipped (closed before), alerts raised, alerts still held.</summary>
public sealed record DetectSummary(int WindowsClosed, int WindowsSkipped, int Alerts, int Held);

/// <summary>What a watch left when it stopped: alerts still held for a sink.</summary>
public sealed record WatchSummary(int Held);
