namespace FlowSpike.Baseline;

/// <summary>
/// Why a model beyond the ESCU search called a count a spike: the count it expected in this window, the dispersion it
/// used
/// (negative binomial α; 0 is Poisson), the tail probability of the count, and the rule that gave it.
/// </summary>
internal sealed record SpikeEvidence(double Expected, double Dispersion, double TailProbability, string Rule)
{
    /// <summary>The host's own count model: its hour's expectation and its dispersion.</summary>
    public const string CountRule = "count-tail";

    /// <summary>An intermittent host: its share of active windows times the tail of its active counts.</summary>
    public const string IntermittentRule = "intermittent-tail";

    /// <summary>A host seen for less than a day, against the population prior of new hosts.</summary>
    public const string NewHostRule = "new-host-prior";

    /// <summary>The count above which this window would have been a spike (exact for a spike, approximate
    /// otherwise).</summary>
    public double Threshold { get; init; } = double.NaN;

    /// <summary>Expectation + 3.72 deviations (the normal quantile of 1e-4), for windows not tested exactly.</summary>
    public double ApproximateThreshold { get; init; } = double.NaN;

    /// <summary>The tail of the host's count (or hurdle) model alone, before its burst component is mixed in.</summary>
    public double MainTail { get; init; } = 1;

    /// <summary>
    /// When the host's learned bursts lowered this count's severity: how many it has seen and the largest ("bursts
    /// seen: 2, largest ×3.1", the count over the expectation, each plus one), so an analyst can judge them; else
    /// null.
    /// </summary>
    public string? BurstHistory { get; init; }

    public string Severity => SeverityOf(TailProbability);

    /// <summary>Severity from the tail probability: below 1e-12 critical, 1e-8 high, 1e-6 medium, else low.</summary>
    public static string SeverityOf(double tail) => tail switch
    {
        < 1e-12 => "critical",
        < 1e-8 => "high",
        < 1e-6 => "medium",
        _ => "low",
    };
}
