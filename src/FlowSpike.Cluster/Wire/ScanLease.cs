namespace FlowSpike.Cluster.Wire;

/// <summary>Tasks a worker took from a queue, with the job they belong to.</summary>
[GenerateSerializer, Immutable]
internal sealed record ScanLease([property: Id(0)] ScanMessage Job, [property: Id(1)] ScanTask[] Tasks);
