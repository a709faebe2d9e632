namespace FlowSpike.Models;

/// <summary>The models by name, as the Model setting and a state's meta data name them.</summary>
internal static class SpikeModels
{
    public static IReadOnlyList<string> Names { get; } = [SplunkModel.ModelName, RecommendedModel.ModelName];

    public static bool IsKnown(string name) => Names.Contains(name);

    /// <summary>The model `--model robust` named until it was retired (docs/models.md has its figures).</summary>
    public const string RetiredRobust = "robust";

    private static string Model => Setting.Name(nameof(JobSettings.Model));

    /// <summary>The one-line refusal of a retired model's name, or null for any other name.</summary>
    public static string? Retired(string name) => name == RetiredRobust
        ? $"{Model} robust is retired (its median has no seasonality and its Poisson tail no dispersion); " +
            $"use {Model} recommended"
        : null;

    /// <summary>The one-line refusal of a name that is not a model.</summary>
    public static string Unknown(string name) =>
        Retired(name) ?? $"{Model}: unknown model '{name}' (known: {string.Join(", ", Names)})";

    /// <summary>The entity keying of a new state built with this model (null: the ESCU search's).</summary>
    public static Selection.EntityKind DefaultEntity(string? model) =>
        model is null ? ModelDefaults.Splunk.Entity : ModelDefaults.For(model).Entity;

    /// <summary>
    /// A model with the ESCU search's deviation threshold carried over; <paramref name="rules"/> tunes the models
    /// beyond it (null: the recommendation).
    /// </summary>
    public static ISpikeModel Create(string name, SpikeSettings settings, RecommendedSettings? rules = null) =>
        name switch
        {
            SplunkModel.ModelName => new SplunkModel(settings),
            RecommendedModel.ModelName => new RecommendedModel((rules ?? new RecommendedSettings()) with
            {
                DeviationThreshold = settings.DeviationThreshold,
            }),
            _ => throw new ArgumentException(Unknown(name), nameof(name)),
        };
}
