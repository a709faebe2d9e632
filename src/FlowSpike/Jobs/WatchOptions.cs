using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Watch;

namespace FlowSpike.Jobs;

/// <summary>A watch job, checked: what to follow, the request (window, lateness, policy) and where alerts go.</summary>
public sealed record WatchOptions : AlertingJob
{
    public required WatchRequest Request { get; init; }
    /// <summary>The SQS queue of S3 notifications to consume, when watch runs in queue mode.</summary>
    public Queue.QueueRequest? Queue { get; init; }

    protected override string Model => Request.Policy.Model;

    /// <summary>The job the settings describe, with the config file and the model's defaults; refused if bad.</summary>
    public static WatchOptions Resolve(JobSettings settings, FlowSpikeConfig? config = null)
    {
        config ??= new FlowSpikeConfig();
        string model = JobResolver.Model(settings);
        var queue = QueueSettings.Resolve(settings);
        long lateness = settings.LatenessSeconds
            ?? (queue is null ? JobDefaults.LatenessSeconds : FlowSpike.Queue.QueueRequest.DefaultLatenessSeconds);
        if (lateness < 0)
        {
            throw new RunException($"{Setting.Name(nameof(JobSettings.LatenessSeconds))} must not be negative " +
                $"(got {lateness}s)");
        }
        long poll = JobResolver.Size(settings.PollIntervalSeconds, JobDefaults.PollIntervalSeconds,
            nameof(JobSettings.PollIntervalSeconds));
        var job = new WatchOptions
        {
            Input = JobResolver.Input(settings, config, model, requireInputs: queue is null),
            Queue = queue,
            Request = new WatchRequest
            {
                WindowSeconds = JobResolver.Size(settings.WindowSeconds, JobDefaults.WindowSeconds,
                    nameof(JobSettings.WindowSeconds)),
                LatenessSeconds = lateness,
                PollInterval = TimeSpan.FromSeconds(poll),
                From = settings.From,
                ClockFile = settings.Clock,
                Once = settings.Once ?? false,
                AllowEmptyWindows = settings.AllowEmptyWindows ?? false,
                Policy = JobResolver.Policy(settings, config, model),
            },
        };
        return Resolved(job, settings, config);
    }

    /// <summary>Follows the inputs until <paramref name="stop"/> (or once, with Once).</summary>
    public void Run(IStateStore store, AlertDispatcher dispatcher, IRunLog log, WatchMetrics metrics,
        CancellationToken stop)
    {
        if (Queue is null)
        {
            WatchRun.Execute(store, Input, Request, dispatcher, log, metrics, stop);
            return;
        }
        using var queueMetrics = new FlowSpike.Queue.QueueMetrics();
        FlowSpike.Queue.QueueWatchRun.Execute(store, Input, Request, Queue, dispatcher, log, metrics, queueMetrics,
            stop);
    }
}
