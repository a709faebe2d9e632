using FlowSpike.Aggregation;
using FlowSpike.Alerts;
using FlowSpike.Models;

namespace FlowSpike.Detection;

/// <summary>
/// A model's baseline of a bucketed scan. It lives with the window step, not in <c>Baseline/</c>, because models that
/// learn on their own build their baseline by stepping windows, exactly as detection does.
/// </summary>
internal static class BaselineReplay
{
    /// <summary>
    /// A model's baseline of the buckets in [from, to): the ESCU search's support search for the splunk model, a replay
    /// for
    /// the models that learn on their own. The baseline seeds every host it saw, so <paramref name="rules"/>'
    /// auto-learn does not apply to it. Local runs and cluster shards build alike.
    /// </summary>
    public static Dictionary<uint, BaselineRow> For(string model, WindowPartial buckets, long from, long to,
        RecommendedSettings? rules = null) =>
        model == SplunkModel.ModelName
            ? BaselineBuilder.Build(buckets)
            : Replay(buckets, from, to, SpikeModels.Create(model, SpikeSettings.Default,
                rules is null ? null : rules with { AutoLearn = true }));

    /// <summary>
    /// <see cref="For"/> as rows sorted by source, so the state writes its lookup in key order; the splunk model's
    /// support search runs over <paramref name="sorted"/>, the same buckets sorted.
    /// </summary>
    public static BaselineRow[] Sorted(string model, WindowPartial buckets, SortedBuckets sorted, long from, long to,
        RecommendedSettings? rules = null)
    {
        if (model == SplunkModel.ModelName)
            return BaselineBuilder.Build(sorted);
        var rows = For(model, buckets, from, to, rules);
        var keys = new uint[rows.Count];
        var ordered = new BaselineRow[rows.Count];
        int n = 0;
        foreach (var (src, row) in rows)
        {
            keys[n] = src;
            ordered[n++] = row;
        }
        Array.Sort(keys, ordered);
        return ordered;
    }

    /// <summary>
    /// The baseline of a model that learns on its own (recommended, robust): the buckets of [from, to) stepped through
    /// the model in time order, exactly as detection would, without alerting. A host starts at its first bucket; quiet
    /// buckets after it are steps with no count.
    /// </summary>
    public static Dictionary<uint, BaselineRow> Replay(WindowPartial buckets, long from, long to, ISpikeModel model)
    {
        var table = new BaselineTable([]);
        long size = buckets.WindowSeconds;
        for (long bucket = from; bucket < to; bucket += size)
        {
            WindowStep.Run(bucket, bucket + size, buckets.SourcesIn(bucket), table, model, AlertFilter.None,
                SpikeSettings.Default);
        }
        var rows = new Dictionary<uint, BaselineRow>(table.Count);
        foreach (var row in table.Rows)
            rows[row.Src] = row;
        return rows;
    }
}
