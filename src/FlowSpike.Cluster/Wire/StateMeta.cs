namespace FlowSpike.Cluster.Wire;

/// <summary>What the cluster knows of one named state: its model and shard count, the committed mark and the windows applied since the baseline.</summary>
[GenerateSerializer]
public sealed class StateMeta
{
    [Id(0)] public string? Model { get; set; }
    [Id(1)] public int Shards { get; set; }
    [Id(2)] public long? CommittedUntil { get; set; }
    [Id(3)] public SortedSet<long> Applied { get; set; } = [];
    [Id(4)] public long? BaselineFrom { get; set; }
}
