using FlowSpike.Aggregation;

namespace FlowSpike.Baseline;

/// <summary>
/// The support search (docs/spec.md §2): per source over its non-empty buckets, the number of buckets, the latest
/// bucket's count, the mean and the sample standard deviation (0 for a single bucket).
/// </summary>
public static class BaselineBuilder
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
    /// A model's baseline of the buckets in [from, to): the seed's support search for the splunk model, a replay for the
    /// models that learn on their own. The baseline seeds every host it saw, so <paramref name="rules"/>' auto-learn does
    /// not apply to it. Local runs and cluster shards build alike.
    /// </summary>
    public static Dictionary<uint, BaselineRow> For(string model, WindowPartial buckets, long from, long to, RecommendedSettings? rules = null) =>
        model == SplunkModel.ModelName
            ? Build(buckets)
            : Replay(buckets, from, to, SpikeModels.Create(model, SpikeSettings.Default, rules is null ? null : rules with { AutoLearn = true }));

    /// <summary>
    /// The baseline of a model that learns on its own (recommended, robust): the buckets of [from, to) stepped through
    /// the model in time order, exactly as detection would, without alerting. A host starts at its first bucket; quiet
    /// buckets after it are steps with no count.
    /// </summary>
    public static Dictionary<uint, BaselineRow> Replay(WindowPartial buckets, long from, long to, ISpikeModel model)
    {
        var table = new Detection.BaselineTable([]);
        long size = buckets.WindowSeconds;
        for (long bucket = from; bucket < to; bucket += size)
            Detection.WindowStep.Apply(bucket, bucket + size, buckets.SourcesIn(bucket), table, model, Alerts.AlertFilter.None, SpikeSettings.Default);
        var rows = new Dictionary<uint, BaselineRow>(table.Count);
        foreach (var row in table.Rows)
            rows[row.Src] = row;
        return rows;
    }

    /// <summary>Counts are integers, so the variance numerator n*Σx² - (Σx)² is computed exactly and divided once.</summary>
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
