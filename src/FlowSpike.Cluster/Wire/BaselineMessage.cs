using FlowSpike.Runs;

namespace FlowSpike.Cluster.Wire;

/// <summary>One baseline invocation as the shards see it.</summary>
[GenerateSerializer, Immutable]
internal sealed record BaselineMessage
{
    /// <summary>Unique per invocation: a retried call with the same id is a no-op.</summary>
    [Id(0)] public required string RunId { get; init; }
    [Id(1)] public required long From { get; init; }
    [Id(2)] public required long To { get; init; }
    [Id(3)] public required long SpanSeconds { get; init; }
    /// <summary>The model and its rules (the rest of the policy plays no part in a baseline).</summary>
    [Id(4)] public required AlertPolicy Policy { get; init; }
    [Id(5)] public required string[] TaskIds { get; init; }
    [Id(6)] public string Entity { get; init; } = "src_ip";
}
