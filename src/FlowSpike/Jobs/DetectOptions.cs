using FlowSpike.Alerts;
using FlowSpike.Runs;
using FlowSpike.Selection;
using FlowSpike.State;

namespace FlowSpike.Jobs;

/// <summary>A detect job, checked: what to read, the request (range, window, policy) and where alerts go.</summary>
public sealed record DetectOptions
{
    public required InputOptions Input { get; init; }
    public required DetectRequest Request { get; init; }
    /// <summary>The entity keying asked for; null keeps the state's (the model's default for a new state).</summary>
    public EntityKind? Entity { get; init; }
    /// <summary>The config's sinks and the Output file (standard output when nothing else is configured).</summary>
    public IReadOnlyList<SinkSpec> Sinks { get; init; } = [];
    public AsffOptions Asff { get; init; } = new();
    public string State { get; init; } = JobDefaults.State;

    /// <summary>The job the settings describe, with the config file and the model's defaults; refused if bad.</summary>
    public static DetectOptions Resolve(JobSettings settings, FlowSpikeConfig? config = null)
    {
        config ??= new FlowSpikeConfig();
        string model = JobResolver.Model(settings);
        var request = new DetectRequest
        {
            From = JobResolver.Range(settings.From, nameof(JobSettings.From)),
            To = JobResolver.Range(settings.To, nameof(JobSettings.To)),
            WindowSeconds = JobResolver.Size(settings.WindowSeconds, JobDefaults.WindowSeconds,
                nameof(JobSettings.WindowSeconds)),
            Policy = JobResolver.Policy(settings, config, model),
            AllowEmptyWindows = settings.AllowEmptyWindows ?? false,
            AllowSpanMismatch = settings.AllowSpanMismatch ?? false,
        };
        TimeRange.Validate(request.From, request.To, request.WindowSeconds, nameof(JobSettings.WindowSeconds));
        return new DetectOptions
        {
            Input = JobResolver.Input(settings, config, model),
            Request = request,
            Entity = JobResolver.Entity(settings),
            Sinks = JobResolver.Sinks(settings, config),
            Asff = JobResolver.Asff(config),
            State = settings.State ?? JobDefaults.State,
        };
    }

    /// <summary>Opens (or creates) the state this job reads and writes.</summary>
    public SqliteStateStore OpenState() => SqliteStateStore.Open(State, Request.Policy.Model, Entity);

    /// <summary>A dispatcher over this job's sinks, which it owns.</summary>
    public AlertDispatcher CreateDispatcher(IRunLog log) => new(JobSinks.Create(Sinks, Asff, log), log);

    /// <summary>Runs the job on <paramref name="store"/>, delivering through <paramref name="dispatcher"/>.</summary>
    public DetectRun.Result Run(IStateStore store, AlertDispatcher dispatcher, IRunLog log,
        CancellationToken cancellation = default) =>
        DetectRun.Execute(store, Input, Request, dispatcher, log, cancellation);
}
