namespace FlowSpike.Aggregation;

/// <summary>What one source did in one window: its counted records and, when details are kept, the distinct destinations and interfaces.</summary>
public sealed class SourceWindowStats
{
    public long Count { get; set; }
    public HashSet<string>? Destinations { get; set; }
    public HashSet<string>? Interfaces { get; set; }
    /// <summary>The AWS accounts the records came from (for rollout awareness).</summary>
    public HashSet<string>? Accounts { get; set; }

    public void Merge(SourceWindowStats other)
    {
        Count += other.Count;
        if (other.Destinations is not null)
            (Destinations ??= new HashSet<string>(StringComparer.Ordinal)).UnionWith(other.Destinations);
        if (other.Interfaces is not null)
            (Interfaces ??= new HashSet<string>(StringComparer.Ordinal)).UnionWith(other.Interfaces);
        if (other.Accounts is not null)
            (Accounts ??= new HashSet<string>(StringComparer.Ordinal)).UnionWith(other.Accounts);
    }
}
