namespace FlowSpike.Cluster.Grains;

[GenerateSerializer]
internal sealed class ScanRegistryState
{
    [Id(0)] public HashSet<string> Queues { get; set; } = [];
}
