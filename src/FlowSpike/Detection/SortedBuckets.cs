using FlowSpike.Aggregation;

namespace FlowSpike.Detection;

/// <summary>
/// Every (source, bucket) count of a scan as two flat arrays sorted by source, then bucket. At 386,000 hosts the
/// support search over them needs no dictionary per host, and the state's lookup and history B-trees, keyed by
/// source, are then written in key order: appended to, not split at random.
/// </summary>
internal sealed class SortedBuckets
{
    private readonly ulong[] _keys;

    private SortedBuckets(long[] windowStarts, ulong[] keys, long[] counts)
    {
        WindowStarts = windowStarts;
        _keys = keys;
        Counts = counts;
    }

    /// <summary>The buckets' starts in time order; <see cref="Bucket"/> indexes them.</summary>
    public long[] WindowStarts { get; }

    /// <summary>Entry i's count.</summary>
    public long[] Counts { get; }

    public int Length => _keys.Length;

    public uint Source(int i) => (uint)(_keys[i] >> 32);

    /// <summary>Entry i's bucket, as an index into <see cref="WindowStarts"/>.</summary>
    public int Bucket(int i) => (int)(uint)_keys[i];

    public long WindowStart(int i) => WindowStarts[Bucket(i)];

    public static SortedBuckets Of(WindowPartial partial)
    {
        long[] starts = [.. partial.Windows.Keys];
        Array.Sort(starts);
        int total = 0;
        foreach (var sources in partial.Windows.Values)
            total += sources.Count;
        var keys = new ulong[total];
        var counts = new long[total];
        int n = 0;
        for (int w = 0; w < starts.Length; w++)
        {
            foreach (var (src, stats) in partial.Windows[starts[w]])
            {
                keys[n] = (ulong)src << 32 | (uint)w;
                counts[n++] = stats.Count;
            }
        }
        Array.Sort(keys, counts);
        return new SortedBuckets(starts, keys, counts);
    }
}
