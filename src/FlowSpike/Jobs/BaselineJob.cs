using FlowSpike.Models;
using FlowSpike.Runs;
using FlowSpike.Selection;
using FlowSpike.State;

namespace FlowSpike.Jobs;

/// <summary>A baseline job, checked: what to read, over which range, in which buckets, for which model.</summary>
internal sealed record BaselineJob
{
    public required InputOptions Input { get; init; }
    public required long From { get; init; }
    public required long To { get; init; }
    public long SpanSeconds { get; init; } = JobDefaults.SpanSeconds;
    public string Model { get; init; } = JobDefaults.Model;
    /// <summary>The entity keying asked for; null keeps the state's (the model's default for a new state).</summary>
    public EntityKind? Entity { get; init; }
    /// <summary>The recommended model's rules; null with the splunk model.</summary>
    public RecommendedSettings? Rules { get; init; }
    public string State { get; init; } = JobDefaults.State;
    /// <summary>Commit an empty baseline when no record in range is blocked outbound from an internal host.</summary>
    public bool AllowEmpty { get; init; }

    /// <summary>The job the settings describe, with the config file and the model's defaults; refused if bad. On a
    /// cluster the state is a name, not a file, so it is not checked against the inputs.</summary>
    public static BaselineJob Resolve(JobSettings settings, FlowSpikeConfig? config = null, bool onCluster = false)
    {
        config ??= new FlowSpikeConfig();
        string model = JobResolver.Model(settings);
        var options = new BaselineJob
        {
            Input = JobResolver.Input(settings, config, model),
            From = JobResolver.Range(settings.From, nameof(JobSettings.From)),
            To = JobResolver.Range(settings.To, nameof(JobSettings.To)),
            SpanSeconds = JobResolver.Size(settings.SpanSeconds, JobDefaults.SpanSeconds,
                nameof(JobSettings.SpanSeconds)),
            Model = model,
            Entity = JobResolver.Entity(settings),
            Rules = JobResolver.Rules(settings, model),
            State = settings.State ?? JobDefaults.State,
            AllowEmpty = settings.AllowEmptyBaseline ?? false,
        };
        RangeCheck.Validate(options.From, options.To, options.SpanSeconds, nameof(JobSettings.SpanSeconds));
        if (!onCluster)
            JobResolver.StateApart(options.Input.Inputs, options.State);
        return options;
    }

    /// <summary>Opens (or creates) the state this job writes.</summary>
    public SqliteStateStore OpenState() => SqliteStateStore.Open(State, Model, Entity, removeIfUnchanged: true);

    /// <summary>Runs the job on <paramref name="store"/>.</summary>
    public BaselineRun.Result Run(IStateStore store, IRunLog log) =>
        BaselineRun.Execute(store, Input, From, To, SpanSeconds, log, Model, Rules, AllowEmpty);
}
