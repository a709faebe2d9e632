namespace FlowSpike.Cluster.Grains;

/// <summary>The scan queues open now (one grain, key <see cref="ClusterNames.Registry"/>): the workers look here for
/// work.</summary>
internal interface IScanRegistryGrain : IGrainWithStringKey
{
    Task Open(string queue);

    Task Closed(string queue);

    Task<string[]> Queues();
}
