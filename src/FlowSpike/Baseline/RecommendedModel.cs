namespace FlowSpike.Baseline;

/// <summary>
/// The recommended model (`--model recommended`), built to fix the seed's statistical weaknesses on its own data:
/// <list type="bullet">
/// <item>quiet windows are data points with a count of 0, so a host that blocks a little, rarely, gets a low mean;</item>
/// <item>the count is tested against the baseline before it enters it, so a spike cannot raise its own bar;</item>
/// <item>new hosts learn on their own (a running mean until the weight is reached), so no separate baseline run is needed;</item>
/// <item>a count-aware floor: a spike needs at least <see cref="RecommendedSettings.MinCount"/> records and a Poisson
/// upper-tail probability below <see cref="RecommendedSettings.TailProbability"/> at the host's mean, so Poisson noise
/// of low-rate hosts is not reported;</item>
/// <item>hour-of-week seasonality: the tail test uses the larger of the host's mean and its <see cref="SeasonalProfile"/>
/// expectation for this hour, so a nightly job that always blocks 60 connections at 02:00 stops paging after a night.
/// A spike does not enter the profile.</item>
/// </list>
/// The lookup keeps the seed's columns; numDataPoints counts every window since the host was first seen.
/// </summary>
public sealed class RecommendedModel(RecommendedSettings settings) : ISpikeModel
{
    public const string ModelName = "recommended";

    public string Name => ModelName;

    public bool UpdatesSilentHosts => Settings.ZeroFill;

    public RecommendedSettings Settings { get; } = settings;

    public ModelStep Step(BaselineRow? stored, uint src, long? latestCount, long windowStart)
    {
        bool known = stored is { Avg: not null, Stdev: not null, NumDataPoints: not null };
        if (Settings.PassOver(stored, src, latestCount, known) is { } passed)
            return passed;
        long count = latestCount ?? 0;
        if (stored is not { Avg: { } avg, Stdev: { } stdev, NumDataPoints: { } points } row)
        {
            // First sight (or a row imported without statistics): it starts learning now.
            byte[]? first = Settings.Seasonal ? SeasonalProfile.Update([], windowStart, count) : null;
            return new ModelStep(new BaselineRow(src, latestCount, 1, count, 0, first), false, double.NaN);
        }
        // A running mean while young, an exponentially weighted one afterwards.
        double w = Math.Min(Settings.Weight, points + 1);
        double newAvg = avg + (count - avg) / w;
        double inner = (stdev * stdev * (w - 1) + (count - newAvg) * (count - avg)) / w;
        double newStdev = Math.Sqrt(Math.Max(0, inner));
        // Tested against the stored baseline, or (without test-first) against the updated one, as the seed does.
        var (testAvg, testStdev, testPoints) = Settings.TestFirst ? (avg, stdev, points) : (newAvg, newStdev, points + 1);
        double threshold = Math.Max(testAvg + Settings.DeviationThreshold * testStdev, Settings.MinCount - 1);
        double seasonal = Settings.Seasonal ? SeasonalProfile.Expected(row.ModelState, windowStart) : 0;
        bool spike = testPoints >= Settings.MinDataPoints
            && count >= Settings.MinCount
            && count > threshold
            && PoissonUpperTail(count, Math.Max(Math.Max(testAvg, seasonal), Settings.MinRate)) < Settings.TailProbability;
        byte[]? profile = !Settings.Seasonal ? null : spike ? row.ModelState : SeasonalProfile.Update(row.ModelState, windowStart, count);
        var updated = new BaselineRow(src, latestCount, points + 1, newAvg, newStdev, profile);
        return new ModelStep(updated, spike, threshold);
    }

    /// <summary>P(X ≥ k) for X ~ Poisson(λ), summed in log space from k upwards.</summary>
    public static double PoissonUpperTail(long k, double lambda)
    {
        if (k <= 0)
            return 1;
        if (lambda <= 0)
            return 0;
        double logTerm = -lambda + k * Math.Log(lambda) - LogFactorial(k);
        double sum = 0;
        for (long i = k; i < k + 100_000; i++)
        {
            double term = Math.Exp(logTerm);
            sum += term;
            if (i > lambda && term < sum * 1e-17)
                break;
            logTerm += Math.Log(lambda) - Math.Log(i + 1);
        }
        return Math.Min(1, sum);
    }

    private static readonly double[] SmallLogFactorials = BuildTable();

    private static double[] BuildTable()
    {
        var t = new double[257];
        for (int i = 1; i < t.Length; i++)
            t[i] = t[i - 1] + Math.Log(i);
        return t;
    }

    /// <summary>ln(n!), exact from a table up to 256, Stirling's series beyond (error below 1e-12 there).</summary>
    public static double LogFactorial(long n)
    {
        if (n < SmallLogFactorials.Length)
            return SmallLogFactorials[n];
        double x = n + 1.0;
        return (x - 0.5) * Math.Log(x) - x + 0.5 * Math.Log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x);
    }
}
