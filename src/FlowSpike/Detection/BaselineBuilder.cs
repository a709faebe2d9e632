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
    /// <see cref="Build(WindowPartial)"/> over buckets sorted by source: each host's buckets are adjacent, in time
    /// order, so its moments are summed in one pass with no dictionary, and the rows come out sorted by source.
    /// </summary>
    public static BaselineRow[] Build(SortedBuckets buckets)
    {
        int hosts = 0;
        for (int e = 0; e < buckets.Length; e++)
        {
            if (e == 0 || buckets.Source(e) != buckets.Source(e - 1))
                hosts++;
        }
        var rows = new BaselineRow[hosts];
        int n = 0, i = 0;
        while (i < buckets.Length)
        {
            uint src = buckets.Source(i);
            Moments m = default;
            for (; i < buckets.Length && buckets.Source(i) == src; i++)
            {
                long count = buckets.Counts[i];
                if (count == 0)
                    continue;
                m.N++;
                m.Sum += count;
                m.SumSquares += (Int128)count * count;
                m.LatestCount = count;
            }
            if (m.N > 0)
                rows[n++] = new BaselineRow(src, m.LatestCount, m.N, (double)m.Sum / m.N, SampleStdev(m));
        }
        // A host whose every bucket counted 0 has no row, as in the dictionary build.
        if (n < rows.Length)
            Array.Resize(ref rows, n);
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
