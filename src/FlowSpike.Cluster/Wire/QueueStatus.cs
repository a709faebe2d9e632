namespace FlowSpike.Cluster.Wire;

/// <summary>How far a scan queue is: tasks in it, tasks done, tasks leased to workers now, and the first task that
/// failed.</summary>
[GenerateSerializer, Immutable]
internal sealed record QueueStatus([property: Id(0)] int Total, [property: Id(1)] int Done,
    [property: Id(2)] int Leased,
    [property: Id(3)] string? Error);
