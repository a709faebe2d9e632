namespace FlowSpike.Cluster.Wire;

/// <summary>What the cluster knows of one named state: its model and shard count, the committed mark, the windows
/// closed since the baseline, and the suppression marks.</summary>
[GenerateSerializer]
internal sealed class StateMeta
{
    [Id(0)] public string? Model { get; set; }
    [Id(1)] public int Shards { get; set; }
    [Id(2)] public long? CommittedUntil { get; set; }
    [Id(3)] public SortedSet<long> Closed { get; set; } = [];
    [Id(4)] public long? BaselineFrom { get; set; }
    /// <summary>Suppression keys and the time until which they stay quiet (--suppress).</summary>
    [Id(5)] public Dictionary<string, long> Quiet { get; set; } = new(StringComparer.Ordinal);
    /// <summary>The entity keying (src_ip, account+vpc+src_ip, interface), set by the baseline.</summary>
    [Id(6)] public string? Entity { get; set; }
    /// <summary>Alerts of closed windows not yet delivered to every sink, oldest first; written with the
    /// window.</summary>
    [Id(7)] public List<OutboxEntry> Outbox { get; set; } = [];
    /// <summary>The baseline's bucket size; detect windows must match it.</summary>
    [Id(8)] public long? BaselineSpanSeconds { get; set; }
}
