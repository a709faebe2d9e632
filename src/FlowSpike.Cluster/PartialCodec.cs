using FlowSpike.Aggregation;
using FlowSpike.Cluster.Wire;

namespace FlowSpike.Cluster;

/// <summary>Splits a scan's <see cref="WindowPartial"/> by source shard for the wire, and merges slices back with the library's own merge.</summary>
public static class PartialCodec
{
    /// <summary>The shard that owns a source: a multiplicative hash, so neighbouring addresses spread evenly.</summary>
    public static int ShardOf(uint src, int shards) => (int)((src * 2654435761u) % (uint)shards);

    public static SourceStats[][] Split(WindowPartial partial, int shards)
    {
        var lists = new List<SourceStats>[shards];
        for (int i = 0; i < shards; i++)
            lists[i] = [];
        foreach (var (window, sources) in partial.Windows)
        {
            foreach (var (src, s) in sources)
                lists[ShardOf(src, shards)].Add(new SourceStats(window, src, s.Count, ToArray(s.Destinations), ToArray(s.Interfaces), ToArray(s.Accounts)));
        }
        return [.. lists.Select(l => l.ToArray())];
    }

    /// <summary>Adds a slice into <paramref name="into"/> through <see cref="WindowPartial.Merge"/>, the same merge threads use locally.</summary>
    public static void MergeInto(WindowPartial into, IEnumerable<SourceStats> slice)
    {
        var part = new WindowPartial(into.WindowSeconds);
        foreach (var s in slice)
        {
            var window = part.GetWindow(s.Window);
            var stats = new SourceWindowStats
            {
                Count = s.Count,
                Destinations = ToSet(s.Destinations),
                Interfaces = ToSet(s.Interfaces),
                Accounts = ToSet(s.Accounts),
            };
            if (window.TryGetValue(s.Src, out var existing))
                existing.Merge(stats);
            else
                window[s.Src] = stats;
        }
        into.Merge(part);
    }

    private static string[]? ToArray(HashSet<string>? set) => set is null ? null : [.. set];

    private static HashSet<string>? ToSet(string[]? values) => values is null ? null : new HashSet<string>(values, StringComparer.Ordinal);
}
