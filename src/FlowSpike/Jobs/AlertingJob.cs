using FlowSpike.Alerts;
using FlowSpike.Delivery;
using FlowSpike.Runs;
using FlowSpike.Selection;
using FlowSpike.State;

namespace FlowSpike.Jobs;

/// <summary>
/// What detect and watch share: what to read, the state they write, the entity keying and where alerts go. Each job
/// adds its own request.
/// </summary>
internal abstract record AlertingJob
{
    public required InputOptions Input { get; init; }
    /// <summary>The entity keying asked for; null keeps the state's (the model's default for a new state).</summary>
    public EntityKind? Entity { get; init; }
    /// <summary>The config's sinks and the Output file (standard output when nothing else is configured).</summary>
    public IReadOnlyList<SinkSpec> Sinks { get; init; } = [];
    public AsffOptions Asff { get; init; } = new();
    public string State { get; init; } = JobDefaults.State;

    /// <summary>The model the job's policy names, which the state must have been built with.</summary>
    protected abstract string Model { get; }

    /// <summary>Opens (or creates) the state this job reads and writes.</summary>
    public SqliteStateStore OpenState() => SqliteStateStore.Open(State, Model, Entity, removeIfUnchanged: true);

    /// <summary>A dispatcher over this job's sinks, which it owns.</summary>
    public AlertDispatcher CreateDispatcher(IRunLog log) => new(JobSinks.Create(Sinks, Asff, log), log);

    /// <summary>The parts every alerting job resolves the same way from its settings and config.</summary>
    private protected static T Resolved<T>(T job, JobSettings settings, FlowSpikeConfig config, bool onCluster)
        where T : AlertingJob
    {
        var sinks = JobResolver.Sinks(settings, config);
        JobResolver.OutputsApart(job.Input.Inputs, sinks, settings.Output is not null);
        if (!onCluster)
            JobResolver.StateApart(job.Input.Inputs, settings.State ?? JobDefaults.State);
        return job with
        {
            Entity = JobResolver.Entity(settings),
            Sinks = sinks,
            Asff = JobResolver.Asff(config),
            State = settings.State ?? JobDefaults.State,
        };
    }
}
