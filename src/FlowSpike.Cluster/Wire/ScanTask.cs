namespace FlowSpike.Cluster.Wire;

/// <summary>One input object to scan. <see cref="Id"/> is derived from the job's settings and the object's identity, so
/// a retry has the same id.</summary>
[GenerateSerializer, Immutable]
internal sealed record ScanTask(
    [property: Id(0)] string Id,
    [property: Id(1)] string Path,
    [property: Id(2)] long Length);
