using FlowSpike.Runs;

namespace FlowSpike.Cluster.Wire;

/// <summary>One detect invocation as the shards see it: the window, the entity keying and the policy as it
/// is.</summary>
[GenerateSerializer, Immutable]
internal sealed record DetectMessage
{
    /// <summary>Unique per invocation; shards cache the gathered partial under it.</summary>
    [Id(0)] public required string RunId { get; init; }
    [Id(1)] public required long WindowSeconds { get; init; }
    /// <summary>The scan tasks whose results hold this run's windows.</summary>
    [Id(2)] public required string[] TaskIds { get; init; }
    [Id(3)] public string Entity { get; init; } = "src_ip";
    /// <summary>The model, its thresholds and rules, and the allowlists.</summary>
    [Id(4)] public required AlertPolicy Policy { get; init; }
}
