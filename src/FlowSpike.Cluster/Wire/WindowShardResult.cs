namespace FlowSpike.Cluster.Wire;

/// <summary>One shard's part of a closed window: its alerts as JSON Lines bodies and its counts for the summary.</summary>
[GenerateSerializer, Immutable]
public sealed record WindowShardResult(
    [property: Id(0)] string[] Alerts,
    [property: Id(1)] int Suppressed,
    [property: Id(2)] int ActiveSources,
    [property: Id(3)] long Counted);
