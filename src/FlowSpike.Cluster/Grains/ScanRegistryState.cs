namespace FlowSpike.Cluster.Grains;

[GenerateSerializer]
public sealed class ScanRegistryState
{
    [Id(0)] public HashSet<string> Queues { get; set; } = [];
}
