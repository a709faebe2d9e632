using FlowSpike.Aggregation;
using FlowSpike.Detection;
using FlowSpike.Models;

namespace FlowSpike.Tests.Core;

/// <summary>
/// The support search over buckets sorted by source (what `baseline` runs) against its plain twin, the dictionary
/// build over the partial: the same rows, in source order, with the same numbers to the bit.
/// </summary>
public class SortedBaselineTests
{
    private const long From = 1_790_812_800;

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 50, 3)]
    [InlineData(3, 2000, 48)]
    [InlineData(4, 5000, 96)]
    public void Sorted_build_gives_the_dictionary_builds_rows_in_source_order(int seed, int hosts, int windows)
    {
        var partial = RandomPartial(seed, hosts, windows);
        var plain = BaselineBuilder.Build(partial);
        var sorted = BaselineBuilder.Build(SortedBuckets.Of(partial));
        Assert.Equal(plain.Count, sorted.Length);
        Assert.Equal(plain.Keys.Order(), sorted.Select(r => r.Src));
        foreach (var row in sorted)
            Assert.Equal(plain[row.Src], row);
    }

    [Fact]
    public void A_host_whose_buckets_all_counted_zero_has_no_row_and_zeros_do_not_count_as_latest()
    {
        var partial = new WindowPartial(3600);
        partial.GetWindow(From)[7] = new SourceWindowStats { Count = 0 };
        partial.GetWindow(From)[9] = new SourceWindowStats { Count = 4 };
        partial.GetWindow(From + 3600)[9] = new SourceWindowStats { Count = 0 };
        partial.GetWindow(From + 7200)[9] = new SourceWindowStats { Count = 6 };
        partial.GetWindow(From + 10800)[9] = new SourceWindowStats { Count = 0 };
        var rows = BaselineBuilder.Build(SortedBuckets.Of(partial));
        var row = Assert.Single(rows);
        Assert.Equal(new BaselineRow(9, 6, 2, 5.0, Math.Sqrt(2)), row);
        Assert.Equal(BaselineBuilder.Build(partial)[9], row);
    }

    [Fact]
    public void Sorted_buckets_hold_every_count_once_by_source_then_time()
    {
        var partial = RandomPartial(5, 300, 24);
        var buckets = SortedBuckets.Of(partial);
        var expected = partial.Windows
            .SelectMany(w => w.Value.Select(s => (Src: s.Key, Start: w.Key, s.Value.Count)))
            .OrderBy(e => e.Src).ThenBy(e => e.Start).ToList();
        var actual = Enumerable.Range(0, buckets.Length)
            .Select(i => (Src: buckets.Source(i), Start: buckets.WindowStart(i), Count: buckets.Counts[i])).ToList();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Other_models_rows_come_out_sorted_and_equal_to_the_replay()
    {
        // Counts of a few hundred: the recommended model's tails cost time in the count.
        var partial = RandomPartial(6, 400, 30, maxCount: 300);
        long to = From + 30 * 3600;
        var plain = BaselineReplay.For(RecommendedModel.ModelName, partial, From, to);
        var sorted = BaselineReplay.Sorted(RecommendedModel.ModelName, partial, SortedBuckets.Of(partial), From, to);
        Assert.Equal(plain.Keys.Order(), sorted.Select(r => r.Src));
        foreach (var row in sorted)
        {
            var p = plain[row.Src];
            Assert.Equal((p.LatestCount, p.NumDataPoints, p.Avg, p.Stdev), (row.LatestCount, row.NumDataPoints,
                row.Avg, row.Stdev));
            Assert.Equal(p.ModelState, row.ModelState);
        }
    }

    /// <summary>Hosts spread over the whole address space (so the sort sees high bits), counts from 0 up, some hosts
    /// in one bucket only, windows inserted out of time order.</summary>
    private static WindowPartial RandomPartial(int seed, int hosts, int windows, int maxCount = 1_000_000)
    {
        var random = new Random(seed);
        var partial = new WindowPartial(3600);
        var sources = Enumerable.Range(0, hosts).Select(_ => (uint)random.NextInt64(0, uint.MaxValue + 1L)).ToArray();
        foreach (int w in Enumerable.Range(0, windows).OrderBy(_ => random.Next()))
        {
            var window = partial.GetWindow(From + w * 3600L);
            foreach (uint src in sources)
            {
                if (random.Next(4) == 0 || windows == 1)
                    window[src] = new SourceWindowStats { Count = random.Next(5) == 0 ? 0 : random.Next(1, maxCount) };
            }
        }
        return partial;
    }
}
