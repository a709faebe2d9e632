using FlowSpike.Alerts;
using FlowSpike.Runs;
using FlowSpike.Selection;
using FlowSpike.State;
using FlowSpike.Watch;

namespace FlowSpike.Jobs;

/// <summary>A watch job, checked: what to follow, the request (window, lateness, policy) and where alerts go.</summary>
public sealed record WatchOptions
{
    public required InputOptions Input { get; init; }
    public required WatchRequest Request { get; init; }
    public EntityKind? Entity { get; init; }
    public IReadOnlyList<SinkSpec> Sinks { get; init; } = [];
    public AsffOptions Asff { get; init; } = new();
    public string State { get; init; } = JobDefaults.State;

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
        return new WatchOptions
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
            Entity = JobResolver.Entity(settings),
            Sinks = JobResolver.Sinks(settings, config),
            Asff = JobResolver.Asff(config),
            State = settings.State ?? JobDefaults.State,
        };
    }

    public SqliteStateStore OpenState() => SqliteStateStore.Open(State, Request.Policy.Model, Entity);

    public AlertDispatcher CreateDispatcher(IRunLog log) => new(JobSinks.Create(Sinks, Asff, log), log);

    /// <summary>Follows the inputs until <paramref name="stop"/> (or once, with Once).</summary>
    public void Run(IStateStore store, AlertDispatcher dispatcher, IRunLog log, WatchMetrics metrics,
        CancellationToken stop) =>
        WatchRun.Execute(store, Input, Request, dispatcher, log, metrics, stop);
}
