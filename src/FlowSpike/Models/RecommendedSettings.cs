namespace FlowSpike.Models;

/// <summary>
/// The recommended model's rules, each a named option (see <see cref="RecommendedModel"/> and docs/models.md); the
/// defaults are the recommendation. The cluster's RuleSet carries them to its shards.
/// </summary>
internal sealed record RecommendedSettings
{
    /// <summary>A silent window is a data point with count 0 (`--zero-fill`).</summary>
    public bool ZeroFill { get; init; } = true;
    /// <summary>The count is tested against the stored baseline before it enters it (`--test-first`).</summary>
    public bool TestFirst { get; init; } = true;
    /// <summary>A host not in the baseline starts learning on first sight (`--auto-learn`); otherwise it waits, as in
    /// the ESCU search.</summary>
    public bool AutoLearn { get; init; } = true;
    /// <summary>Standard deviations above the mean, as in the ESCU search.</summary>
    public double DeviationThreshold { get; init; } = 3;
    /// <summary>Windows (quiet ones included) before a host is tested against its own model rather than the new-host
    /// prior: a day of hours.</summary>
    public long MinDataPoints { get; init; } = 24;
    /// <summary>The fewest blocked records in a window that can be a spike.</summary>
    public long MinCount { get; init; } = 5;
    /// <summary>A count this unlikely under the host's own count model is a spike: the nominal false alerts per
    /// host-window.</summary>
    public double TailProbability { get; init; } = 1e-4;
    /// <summary>The expectation used for the tail test is never below this rate (per window).</summary>
    public double MinRate { get; init; } = 0.1;
    /// <summary>The mean of the population prior a new host is tested against until it has a day of windows.</summary>
    public double NewHostRate { get; init; } = 2;
    /// <summary>Weight of the running mean and deviation: a week of hours.</summary>
    public double Weight { get; init; } = 168;
    /// <summary>
    /// The step of a window the learning rules pass over: without zero-fill a silent window only blanks latestCount (as
    /// in the ESCU search), and without auto-learn a host the model does not know yet waits for a baseline. Null
    /// otherwise.
    /// </summary>
    public ModelStep? PassOver(BaselineRow? stored, uint src, long? latestCount, bool known)
    {
        if (latestCount is null && !ZeroFill)
            return new ModelStep((stored ?? new BaselineRow(src, null, null, null, null)) with { LatestCount = null },
                false, double.NaN);
        if (!known && !AutoLearn)
            return new ModelStep(stored ?? new BaselineRow(src, latestCount, null, null, null), false, double.NaN);
        return null;
    }

    /// <summary>Test against the hour-of-week profile too (<see cref="SeasonalProfile"/>).</summary>
    public bool Seasonal { get; init; } = true;
}
