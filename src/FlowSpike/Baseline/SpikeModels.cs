namespace FlowSpike.Baseline;

/// <summary>The models by name, as `--model` and a state's meta data name them.</summary>
public static class SpikeModels
{
    public static IReadOnlyList<string> Names { get; } = [SplunkModel.ModelName, RecommendedModel.ModelName, RobustModel.ModelName];

    public static bool IsKnown(string name) => Names.Contains(name);

    /// <summary>
    /// A model with the seed's deviation threshold carried over; <paramref name="rules"/> tunes the models beyond the seed
    /// (null: the recommendation).
    /// </summary>
    public static ISpikeModel Create(string name, SpikeSettings settings, RecommendedSettings? rules = null) => name switch
    {
        SplunkModel.ModelName => new SplunkModel(settings),
        RecommendedModel.ModelName => new RecommendedModel((rules ?? new RecommendedSettings()) with { DeviationThreshold = settings.DeviationThreshold }),
        RobustModel.ModelName => new RobustModel((rules ?? new RecommendedSettings()) with { DeviationThreshold = settings.DeviationThreshold }),
        _ => throw new ArgumentException($"--model: unknown model '{name}' (known: {string.Join(", ", Names)})", nameof(name)),
    };
}
