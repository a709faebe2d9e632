using System.Buffers.Binary;

namespace FlowSpike.Baseline;

/// <summary>
/// The robust model (`--model robust`): the median and the median absolute deviation (MAD) of a host's last
/// <see cref="History"/> windows, quiet ones as 0, instead of a mean and a deviation that one burst inflates for weeks.
/// Like the recommended model it tests before it updates, learns new hosts on its own, and needs the same count floor
/// and Poisson tail (at the median). The lookup's avg and stdev columns hold the median and 1.4826 x MAD (the MAD
/// scaled to a normal deviation); the recent counts travel in the row's model state.
/// </summary>
public sealed class RobustModel(RecommendedSettings settings) : ISpikeModel
{
    public const string ModelName = "robust";

    /// <summary>Windows kept per host: a week of hours.</summary>
    public const int History = 168;

    /// <summary>Scales a MAD to a standard deviation for normal data.</summary>
    public const double MadScale = 1.4826;

    public string Name => ModelName;

    public bool UpdatesSilentHosts => Settings.ZeroFill;

    public RecommendedSettings Settings { get; } = settings;

    /// <summary>Always tests before the update: a median that already holds the count is no test.</summary>
    public ModelStep Step(BaselineRow? stored, uint src, long? latestCount, long windowStart)
    {
        if (Settings.PassOver(stored, src, latestCount, known: stored is not null) is { } passed)
            return passed;
        long count = latestCount ?? 0;
        var recent = Recent(stored?.ModelState);
        bool spike = false;
        double threshold = double.NaN;
        if (recent.Count > 0)
        {
            var (median, mad) = MedianAndMad(recent);
            double scale = Math.Max(MadScale * mad, 1);
            threshold = Math.Max(median + Settings.DeviationThreshold * scale, Settings.MinCount - 1);
            spike = recent.Count >= Settings.MinDataPoints
                && count >= Settings.MinCount
                && count > threshold
                && RecommendedModel.PoissonUpperTail(count, Math.Max(median, Settings.MinRate)) < Settings.TailProbability;
        }
        recent.Add(count);
        if (recent.Count > History)
            recent.RemoveAt(0);
        var (newMedian, newMad) = MedianAndMad(recent);
        long points = (stored?.NumDataPoints ?? 0) + 1;
        var updated = new BaselineRow(src, latestCount, points, newMedian, MadScale * newMad, Encode(recent));
        return new ModelStep(updated, spike, threshold);
    }

    /// <summary>The median (mean of the middle two for an even count) and the median of absolute deviations from it.</summary>
    public static (double Median, double Mad) MedianAndMad(IReadOnlyList<long> values)
    {
        var sorted = values.Select(v => (double)v).ToArray();
        Array.Sort(sorted);
        double median = MedianOfSorted(sorted);
        for (int i = 0; i < sorted.Length; i++)
            sorted[i] = Math.Abs(sorted[i] - median);
        Array.Sort(sorted);
        return (median, MedianOfSorted(sorted));
    }

    private static double MedianOfSorted(double[] sorted)
    {
        int n = sorted.Length;
        if (n == 0)
            return 0;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>Recent counts, oldest first, as 32-bit little-endian integers (capped: a window never holds 4 billion records here).</summary>
    public static List<long> Recent(byte[]? state)
    {
        var list = new List<long>(History + 1);
        if (state is null)
            return list;
        for (int i = 0; i + 4 <= state.Length; i += 4)
            list.Add(BinaryPrimitives.ReadUInt32LittleEndian(state.AsSpan(i)));
        return list;
    }

    private static byte[] Encode(List<long> recent)
    {
        var bytes = new byte[recent.Count * 4];
        for (int i = 0; i < recent.Count; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), (uint)Math.Min(recent[i], uint.MaxValue));
        return bytes;
    }
}
