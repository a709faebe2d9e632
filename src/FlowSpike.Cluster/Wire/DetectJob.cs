namespace FlowSpike.Cluster.Wire;

/// <summary>One detect invocation as the shards see it: the model, its thresholds and the allowlists.</summary>
[GenerateSerializer, Immutable]
public sealed record DetectJob
{
    /// <summary>Unique per invocation; shards cache the gathered partial under it.</summary>
    [Id(0)] public required string RunId { get; init; }
    [Id(1)] public required long WindowSeconds { get; init; }
    [Id(2)] public required string Model { get; init; }
    [Id(3)] public required double DeviationThreshold { get; init; }
    [Id(4)] public required long DataPointThreshold { get; init; }
    [Id(5)] public required double Weight { get; init; }
    [Id(6)] public string[] AllowSrc { get; init; } = [];
    [Id(7)] public string[] AllowDest { get; init; } = [];
    /// <summary>The scan tasks whose results hold this run's windows.</summary>
    [Id(8)] public required string[] TaskIds { get; init; }
    [Id(9)] public string Entity { get; init; } = "src_ip";
    /// <summary>The rules of the models beyond the seed; null is the recommendation.</summary>
    [Id(10)] public RuleSet? Rules { get; init; }
}
