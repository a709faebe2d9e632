using FlowSpike.Aggregation;
using FlowSpike.Cluster.Wire;
using FlowSpike.Selection;

namespace FlowSpike.Cluster;

/// <summary>
/// Splits a scan's <see cref="WindowPartial"/> by source shard for the wire, and merges slices back with the library's
/// own
/// merge. IPv4 sources travel as their address; other hosts by name, numbered again in the shard's own registry.
/// </summary>
internal static class PartialCodec
{
    /// <summary>The shard that owns a source: a multiplicative hash, so neighbouring addresses spread evenly.</summary>
    public static int ShardOf(uint src, int shards) => (int)((src * 2654435761u) % (uint)shards);

    /// <summary>The shard that owns a named host (FNV-1a: the same in every process).</summary>
    public static int ShardOf(string name, int shards)
    {
        uint h = 2166136261;
        foreach (char c in name)
            h = (h ^ c) * 16777619;
        return ShardOf(h, shards);
    }

    /// <summary>Whether a key is a number in <paramref name="names"/> rather than an IPv4 address.</summary>
    public static bool IsNamed(EntityRegistry? names,
        uint key) => names is not null && (!names.IsIpv4Keyed || key >= names.FirstKey);

    public static SourceStats[][] Split(WindowPartial partial, int shards, EntityRegistry? names = null)
    {
        var lists = new List<SourceStats>[shards];
        for (int i = 0; i < shards; i++)
            lists[i] = [];
        foreach (var (window, sources) in partial.Windows)
        {
            foreach (var (src, s) in sources)
            {
                string? name = IsNamed(names, src) ? names!.NameOf(src) : null;
                int shard = name is null ? ShardOf(src, shards) : ShardOf(name, shards);
                lists[shard].Add(new SourceStats(window, name is null ? src : 0, s.Count,
                    s.DestinationNames(), s.InterfaceNames(), s.AccountNames(), name));
            }
        }
        return [.. lists.Select(l => l.ToArray())];
    }

    /// <summary>
    /// Adds a slice into <paramref name="into"/> through <see cref="WindowPartial.Merge"/>, the same merge threads use
    /// locally; named hosts get their number in <paramref name="names"/>.
    /// </summary>
    public static void MergeInto(WindowPartial into, IEnumerable<SourceStats> slice, EntityRegistry? names = null)
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
            uint key = s.Name is null ? s.Src
                : (names ?? throw new InvalidOperationException($"host '{s.Name}' is named but the shard has no " +
                    $"entity registry")).GetOrAdd(s.Name);
            if (window.TryGetValue(key, out var existing))
                existing.Merge(stats);
            else
                window[key] = stats;
        }
        into.Merge(part);
    }

    private static HashSet<string>? ToSet(string[]? values) =>
        values is null ? null : new HashSet<string>(values, StringComparer.Ordinal);
}
