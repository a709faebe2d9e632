using FlowSpike.Alerts;
using FlowSpike.Delivery;
using FlowSpike.Models;
using FlowSpike.Runs;

namespace FlowSpike.Jobs;

/// <summary>
/// An evaluation, checked: labelled data, the ranges (inferred from the data and labels where not given), and the
/// models to compare. Each model runs as its own baseline and detect job, with that model's defaults.
/// </summary>
internal sealed record EvaluateJob
{
    /// <summary>The settings every model's jobs start from (inputs, internal networks, thresholds...).</summary>
    public required JobSettings Settings { get; init; }
    public required FlowSpikeConfig Config { get; init; }
    public required string Labels { get; init; }
    public long WindowSeconds { get; init; } = JobDefaults.WindowSeconds;
    public IReadOnlyList<string> Models { get; init; } = SpikeModels.Names;

    public static EvaluateJob Resolve(JobSettings settings, FlowSpikeConfig? config = null)
    {
        config ??= new FlowSpikeConfig();
        string labels = settings.Labels ?? throw new RunException(
            $"evaluate: give {Setting.Name(nameof(JobSettings.Labels))} FILE");
        var models = settings.Models is { Count: > 0 } given ? given : SpikeModels.Names;
        foreach (string m in models)
        {
            if (!SpikeModels.IsKnown(m))
                throw new RunException(SpikeModels.Unknown(m));
        }
        // Checks the inputs and every shared setting once, before any model runs.
        JobResolver.Input(settings, config, SpikeModels.Names[0]);
        return new EvaluateJob
        {
            Settings = settings,
            Config = config,
            Labels = labels,
            WindowSeconds = JobResolver.Size(settings.WindowSeconds, JobDefaults.WindowSeconds,
                nameof(JobSettings.WindowSeconds)),
            Models = [.. models],
        };
    }

    /// <summary>The baseline and detect jobs of one model over the given ranges.</summary>
    public (BaselineJob Baseline, DetectJob Detect) Jobs(string model, long baselineFrom, long baselineTo,
        long to, string state)
    {
        // A labelled data set is what it is: an hour without records in it is quiet, not missing.
        var s = Settings with
        {
            Model = model,
            State = state,
            WindowSeconds = WindowSeconds,
            SpanSeconds = WindowSeconds,
            AllowEmptyWindows = true,
            HistoryRetentionSeconds = 0,
        };
        var baseline = BaselineJob.Resolve(s with { From = baselineFrom, To = baselineTo }, Config);
        var detect = DetectJob.Resolve(s with { From = baselineTo, To = to }, Config);
        return (baseline, detect);
    }

    /// <summary>The ranges: as given, else inferred from the data and the labels (see <see
    /// cref="Evaluation"/>).</summary>
    public (long BaselineFrom, long BaselineTo, long To) Range()
    {
        if (Settings is { BaselineFrom: { } bf, BaselineTo: { } bt, To: { } t })
            return (bf, bt, t);
        var input = JobResolver.Input(Settings, Config, SpikeModels.Names[0]);
        var inferred = Evaluation.InferRange(input, Evaluation.ReadLabels(Labels), WindowSeconds);
        return (Settings.BaselineFrom ?? inferred.BaselineFrom, Settings.BaselineTo ?? inferred.BaselineTo,
            Settings.To ?? inferred.To);
    }

    /// <summary>
    /// Each model's baseline and detect over the ranges, scored against the labels; <paramref name="alertsByModel"/>,
    /// when given, receives each model's alerts.
    /// </summary>
    public List<Evaluation.Row> Run(long baselineFrom, long baselineTo, long to, IRunLog log,
        Dictionary<string, List<Alert>>? alertsByModel = null)
    {
        var labels = Evaluation.ReadLabels(Labels);
        var rows = new List<Evaluation.Row>();
        string dir = Path.Combine(Path.GetTempPath(), "flowspike-evaluate-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            foreach (string model in Models)
            {
                var (baseline, detect) = Jobs(model, baselineFrom, baselineTo, to, Path.Combine(dir, model + ".db"));
                var sink = new CollectingSink();
                int hosts;
                using (var store = baseline.OpenState())
                {
                    baseline.Run(store, NullRunLog.Instance);
                    detect.Run(store, AlertDispatcher.Single(sink, NullRunLog.Instance), NullRunLog.Instance);
                    hosts = store.LoadLookup().Count;
                }
                double hostWindows = hosts * ((to - baselineTo) / (double)WindowSeconds);
                rows.Add(Evaluation.Score(model, sink.Alerts, labels, hostWindows, WindowSeconds));
                if (alertsByModel is not null)
                    alertsByModel[model] = sink.Alerts;
                log.Info($"{model}: {sink.Alerts.Count} alert(s)");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        return rows;
    }
}
