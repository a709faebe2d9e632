using FlowSpike.Runs;

namespace FlowSpike.Jobs;

/// <summary>
/// A report job, checked: the state to read and, optionally, the flow logs to read again for each alert's ports,
/// protocols and records per destination (with the state's model defaults, as detection read them).
/// </summary>
internal sealed record ReportJob
{
    public string State { get; init; } = JobDefaults.State;
    /// <summary>The flow logs behind the alerts; null when none were given.</summary>
    public InputOptions? Input { get; init; }

    /// <summary>The job the settings describe; <paramref name="model"/> is the state's model.</summary>
    public static ReportJob Resolve(JobSettings settings, string model, FlowSpikeConfig? config = null) => new()
    {
        State = settings.State ?? JobDefaults.State,
        Input = settings.Inputs is { Count: > 0 }
            ? JobResolver.Input(settings, config ?? new FlowSpikeConfig(), JobResolver.Model(settings with
            {
                Model = model,
            }))
            : null,
    };
}
