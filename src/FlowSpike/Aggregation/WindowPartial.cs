namespace FlowSpike.Aggregation;

/// <summary>
/// Counts per (window, source) plus the details alerts need. <see cref="Merge"/> is associative and commutative,
/// so threads, processes and cluster workers all combine the same type.
/// </summary>
internal sealed class WindowPartial(long windowSeconds)
{
    public long WindowSeconds { get; } = windowSeconds;

    /// <summary>Window start (epoch seconds) to the sources seen in it, keyed by IPv4 as an integer.</summary>
    public Dictionary<long, Dictionary<uint, SourceWindowStats>> Windows { get; } = [];

    public Dictionary<uint, SourceWindowStats> GetWindow(long windowStart)
    {
        if (!Windows.TryGetValue(windowStart, out var sources))
            Windows[windowStart] = sources = [];
        return sources;
    }

    public IReadOnlyDictionary<uint, SourceWindowStats> SourcesIn(long windowStart) =>
        Windows.TryGetValue(windowStart, out var sources) ? sources : Empty;

    public void Merge(WindowPartial other)
    {
        if (other.WindowSeconds != WindowSeconds)
            throw new InvalidOperationException($"cannot merge partials of {other.WindowSeconds}s and " +
                $"{WindowSeconds}s windows");
        foreach (var (window, sources) in other.Windows)
        {
            var mine = GetWindow(window);
            foreach (var (src, stats) in sources)
            {
                if (mine.TryGetValue(src, out var existing))
                    existing.Merge(stats);
                else
                    mine[src] = stats;
            }
        }
    }

    public long TotalRecords
    {
        get
        {
            long total = 0;
            foreach (var sources in Windows.Values)
            {
                foreach (var s in sources.Values)
                    total += s.Count;
            }
            return total;
        }
    }

    private static readonly Dictionary<uint, SourceWindowStats> Empty = [];
}
