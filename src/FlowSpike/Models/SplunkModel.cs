namespace FlowSpike.Models;

/// <summary>
/// The ESCU search's statistics, exactly (docs/spec.md §3): an exponentially weighted mean and deviation with weight
/// W, the current count folded in before it is tested, and SPL null semantics throughout.
/// </summary>
internal sealed class SplunkModel(SpikeSettings settings) : ISpikeModel
{
    public const string ModelName = "splunk";

    public string Name => ModelName;

    public bool UpdatesSilentHosts => false;

    /// <summary>The ESCU search's order: the count enters the baseline first, then the updated row is tested.</summary>
    public ModelStep Step(BaselineRow? stored, uint src, long? latestCount, long windowStart)
    {
        var updated = Update(stored, src, latestCount);
        bool spike = IsSpike(updated, out double threshold);
        return new ModelStep(updated, spike, threshold);
    }

    public SpikeSettings Settings { get; } = settings;

    public BaselineRow Update(BaselineRow? stored, uint src, long? latestCount)
    {
        if (stored is not { } row)
            return new BaselineRow(src, latestCount, null, null, null);
        double w = Settings.Weight;
        double? avg = row.Avg, stdev = row.Stdev;
        double? newAvg = avg + (latestCount - avg) / w;
        double? inner = (stdev * stdev * (w - 1) + (latestCount - newAvg) * (latestCount - avg)) / w;
        // SPL's sqrt of a negative number is null, which coalesce then ignores.
        double? newStdev = inner is { } v && v >= 0 ? Math.Sqrt(v) : null;
        return new BaselineRow(
            src,
            latestCount,
            latestCount is null ? row.NumDataPoints : row.NumDataPoints + 1,
            newAvg ?? avg,
            newStdev ?? stdev);
    }

    public bool IsSpike(in BaselineRow row, out double threshold)
    {
        if (row is { LatestCount: { } count, NumDataPoints: { } points, Avg: { } avg, Stdev: { } stdev })
        {
            threshold = avg + Settings.DeviationThreshold * stdev;
            return count > threshold && points > Settings.DataPointThreshold;
        }
        threshold = double.NaN;
        return false;
    }

    /// <summary>
    /// Severity of an ESCU search alert, which has no tail probability: how far the tested count lies above the
    /// threshold, in the baseline's deviations, d = (count − threshold) / stdev (the threshold is avg + k·stdev, so
    /// the count lies k + d deviations above the mean). d ≥ 10 critical, ≥ 4 high, ≥ 1 medium, else low; a
    /// deviation of 0 (every count so far the same) makes any count above the mean critical.
    /// </summary>
    public static string SeverityOf(double count, double threshold, double stdev)
    {
        double d = stdev > 0 ? (count - threshold) / stdev : double.PositiveInfinity;
        return d switch
        {
            >= 10 => "critical",
            >= 4 => "high",
            >= 1 => "medium",
            _ => "low",
        };
    }
}
