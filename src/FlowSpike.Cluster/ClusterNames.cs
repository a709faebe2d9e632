namespace FlowSpike.Cluster;

/// <summary>Names shared by silos and clients.</summary>
internal static class ClusterNames
{
    /// <summary>The grain storage provider every FlowSpike grain persists to.</summary>
    public const string Storage = "flowspike";

    public const string DefaultClusterId = "flowspike";

    public const string ServiceId = "flowspike";

    /// <summary>Key of the one registry grain that lists the open scan queues.</summary>
    public const string Registry = "scan-queues";

    /// <summary>Key of the registry grain that lists the states a `cluster watch --queue` runs for.</summary>
    public const string QueueWatches = "queue-watches";

    /// <summary>Source shards a new state gets unless told otherwise.</summary>
    public const int DefaultShards = 16;
}
