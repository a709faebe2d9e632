namespace FlowSpike.Baseline;

/// <summary>The recommended model's knobs (see <see cref="RecommendedModel"/>); the defaults are the recommendation.</summary>
public sealed record RecommendedSettings
{
    /// <summary>Standard deviations above the mean, as in the seed.</summary>
    public double DeviationThreshold { get; init; } = 3;
    /// <summary>Windows a host must have been seen (quiet ones included) before it is scored: a day of hours.</summary>
    public long MinDataPoints { get; init; } = 24;
    /// <summary>The fewest blocked records in a window that can be a spike.</summary>
    public long MinCount { get; init; } = 10;
    /// <summary>A count this unlikely under Poisson noise at the host's mean is a spike.</summary>
    public double TailProbability { get; init; } = 1e-4;
    /// <summary>The mean used for the tail test is never below this rate (per window).</summary>
    public double MinRate { get; init; } = 0.5;
    /// <summary>Weight of the running mean and deviation: a week of hours.</summary>
    public double Weight { get; init; } = 168;
    /// <summary>Test against the hour-of-week profile too (<see cref="SeasonalProfile"/>).</summary>
    public bool Seasonal { get; init; } = true;
}
