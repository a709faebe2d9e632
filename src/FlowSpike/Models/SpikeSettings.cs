namespace FlowSpike.Models;

/// <summary>
/// The ESCU search's tunables: deviationThreshold (3), dataPointThreshold (5) and the update weight (720 = 30 days of
/// hours).
/// </summary>
internal sealed record SpikeSettings
{
    public double DeviationThreshold { get; init; } = 3;
    public long DataPointThreshold { get; init; } = 5;
    public double Weight { get; init; } = 720;

    public static SpikeSettings Default { get; } = new();

    /// <summary>Returns a message naming the bad setting, or null.</summary>
    public string? Validate()
    {
        if (!double.IsFinite(DeviationThreshold) || DeviationThreshold < 0)
            return $"{Setting.Name(nameof(DeviationThreshold))} must be a finite number >= 0 (got " +
                $"{DeviationThreshold})";
        if (DataPointThreshold < 0)
            return $"{Setting.Name(nameof(DataPointThreshold))} must be >= 0 (got {DataPointThreshold})";
        if (!double.IsFinite(Weight) || Weight < 1)
            return $"{Setting.Name(nameof(Weight))} must be a number >= 1 (got {Weight})";
        return null;
    }
}
