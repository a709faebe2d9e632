using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Watch;

namespace FlowSpike.Jobs;

/// <summary>A watch job, checked: what to follow, the request (window, lateness, policy) and where alerts go.</summary>
public sealed record WatchOptions : AlertingJob
{
    public required WatchRequest Request { get; init; }

    protected override string Model => Request.Policy.Model;

    /// <summary>The job the settings describe, with the config file and the model's defaults; refused if bad.</summary>
    public static WatchOptions Resolve(JobSettings settings, FlowSpikeConfig? config = null)
    {
        config ??= new FlowSpikeConfig();
        string model = JobResolver.Model(settings);
        long lateness = settings.LatenessSeconds ?? JobDefaults.LatenessSeconds;
        if (lateness < 0)
        {
            throw new RunException($"{Setting.Name(nameof(JobSettings.LatenessSeconds))} must not be negative " +
                $"(got {lateness}s)");
        }
        long poll = JobResolver.Size(settings.PollIntervalSeconds, JobDefaults.PollIntervalSeconds,
            nameof(JobSettings.PollIntervalSeconds));
        var job = new WatchOptions
        {
            Input = JobResolver.Input(settings, config, model),
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
        CancellationToken stop) =>
        WatchRun.Execute(store, Input, Request, dispatcher, log, metrics, stop);
}
