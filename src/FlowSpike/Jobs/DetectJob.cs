using FlowSpike.Delivery;
using FlowSpike.Runs;
using FlowSpike.State;

namespace FlowSpike.Jobs;

/// <summary>A detect job, checked: what to read, the request (range, window, policy) and where alerts go.</summary>
internal sealed record DetectJob : AlertingJob
{
    public required DetectRequest Request { get; init; }

    protected override string Model => Request.Policy.Model;

    /// <summary>The job the settings describe, with the config file and the model's defaults; refused if bad. On a
    /// cluster the state is a name, not a file, so it is not checked against the inputs.</summary>
    public static DetectJob Resolve(JobSettings settings, FlowSpikeConfig? config = null, bool onCluster = false)
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
        RangeCheck.Validate(request.From, request.To, request.WindowSeconds, nameof(JobSettings.WindowSeconds));
        var job = new DetectJob { Input = JobResolver.Input(settings, config, model), Request = request };
        return Resolved(job, settings, config, onCluster);
    }

    /// <summary>Runs the job on <paramref name="store"/>, delivering through <paramref name="dispatcher"/>.</summary>
    public DetectRun.Result Run(IStateStore store, AlertDispatcher dispatcher, IRunLog log,
        CancellationToken cancellation = default) =>
        DetectRun.Execute(store, Input, Request, dispatcher, log, cancellation);
}
