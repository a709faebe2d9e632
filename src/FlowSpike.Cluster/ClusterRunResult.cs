namespace FlowSpike.Cluster;

/// <summary>What a cluster run did: the scan's volume and timing, and what the shards produced.</summary>
internal sealed record ClusterRunResult
{
    public int Tasks { get; init; }
    public long Bytes { get; init; }
    public long Lines { get; init; }
    public long Counted { get; init; }
    public int Silos { get; init; }
    /// <summary>Wall time from the first scan task sent to the last answered.</summary>
    public TimeSpan ScanTime { get; init; }
    /// <summary>Wall time of the shards' work: the baseline, or closing every window.</summary>
    public TimeSpan ShardTime { get; init; }
    public int Hosts { get; init; }
    public int WindowsClosed { get; init; }
    public int WindowsSkipped { get; init; }
    public int Alerts { get; init; }
    public int Allowlisted { get; init; }
    public int Suppressed { get; init; }
    /// <summary>Alerts still held in the outbox for a sink after the run.</summary>
    public int Held { get; init; }
}
