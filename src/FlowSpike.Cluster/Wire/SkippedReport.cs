namespace FlowSpike.Cluster.Wire;

/// <summary>An object a silo skipped as not a flow log (<see cref="Records.SkippedObject"/> on the wire).</summary>
[GenerateSerializer, Immutable]
internal sealed record SkippedReport(
    [property: Id(0)] string Source,
    [property: Id(1)] Records.SkipReason Reason,
    [property: Id(2)] string Message);
