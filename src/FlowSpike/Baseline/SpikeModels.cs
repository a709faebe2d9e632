namespace FlowSpike.Baseline;

/// <summary>The models by name, as `--model` and a state's meta data name them.</summary>
public static class SpikeModels
{
    public static IReadOnlyList<string> Names { get; } = [SplunkModel.ModelName, RecommendedModel.ModelName];

    public static bool IsKnown(string name) => Names.Contains(name);

    /// <summary>The model `--model robust` named until it was retired (docs/models.md has its figures).</summary>
    public const string RetiredRobust = "robust";

    /// <summary>The one-line refusal of a retired model's name, or null for any other name.</summary>
    public static string? Retired(string name) => name == RetiredRobust
        ? "--model robust is retired (its median has no seasonality and its Poisson tail no dispersion); use --model recommended"
        : null;

    // Each model's defaults beyond its math, stated once: the seed keys by address, ignores IPv6 and annotates
    // nothing; the models beyond it keep overlapping private ranges apart and count IPv6 unique local sources.

    /// <summary>The entity keying of a new state built with this model (null: the seed's).</summary>
    public static Selection.EntityKind DefaultEntity(string? model) =>
        model is null or SplunkModel.ModelName ? Selection.EntityKind.SrcIp : Selection.EntityKind.AccountVpcSrcIp;

    /// <summary>Whether IPv6 unique local sources (fc00::/7) are internal unless `--ipv6` says otherwise.</summary>
    public static bool CountsIpv6(string model) => model != SplunkModel.ModelName;

    /// <summary>The rollout share unless `--rollout-share` says otherwise; null is off.</summary>
    public static double? DefaultRolloutShare(string model) => model == RecommendedModel.ModelName ? 0.25 : null;

    /// <summary>
    /// A model with the seed's deviation threshold carried over; <paramref name="rules"/> tunes the models beyond the seed
    /// (null: the recommendation).
    /// </summary>
    public static ISpikeModel Create(string name, SpikeSettings settings, RecommendedSettings? rules = null) => name switch
    {
        SplunkModel.ModelName => new SplunkModel(settings),
        RecommendedModel.ModelName => new RecommendedModel((rules ?? new RecommendedSettings()) with { DeviationThreshold = settings.DeviationThreshold }),
        _ => throw new ArgumentException(Retired(name) ?? $"--model: unknown model '{name}' (known: {string.Join(", ", Names)})", nameof(name)),
    };
}
