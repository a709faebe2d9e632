using FlowSpike.Aggregation;
using FlowSpike.Models;

namespace FlowSpike.Detection;

/// <summary>
/// The support search (docs/spec.md §2): per source over its non-empty buckets, the number of buckets, the latest
/// bucket's count, the mean and the sample standard deviation (0 for a single bucket). Models that learn on their own
/// replay the buckets instead (<c>Detection.BaselineReplay</c>).
/// </summary>
internal static class BaselineBuilder
{
    public static Dictionary<uint, BaselineRow> Build(WindowPartial buckets)
    {
        var acc = new Dictionary<uint, Moments>();
        foreach (var (bucket, sources) in buckets.Windows)
        {
            foreach (var (src, stats) in sources)
            {
                if (stats.Count == 0)
                    continue;
                acc.TryGetValue(src, out var m);
                m.N++;
                m.Sum += stats.Count;
                m.SumSquares += (Int128)stats.Count * stats.Count;
                if (m.N == 1 || bucket > m.LatestBucket)
                {
                    m.LatestBucket = bucket;
                    m.LatestCount = stats.Count;
                }
                acc[src] = m;
            }
        }
        var rows = new Dictionary<uint, BaselineRow>(acc.Count);
        foreach (var (src, m) in acc)
            rows[src] = new BaselineRow(src, m.LatestCount, m.N, (double)m.Sum / m.N, SampleStdev(m));
        return rows;
    }

    /// <summary>
    /// Counts are integers, so the variance numerator n*Σx² - (Σx)² is computed exactly and divided once.
    /// </summary>
    private static double SampleStdev(Moments m)
    {
        if (m.N < 2)
            return 0;
        Int128 numerator = m.N * m.SumSquares - (Int128)m.Sum * m.Sum;
        Int128 denominator = (Int128)m.N * (m.N - 1);
        return Math.Sqrt((double)numerator / (double)denominator);
    }

    private struct Moments
    {
        public long N;
        public long Sum;
        public Int128 SumSquares;
        public long LatestBucket;
        public long LatestCount;
    }
}
