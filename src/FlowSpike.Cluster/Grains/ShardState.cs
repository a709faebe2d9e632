using FlowSpike.Cluster.Wire;

namespace FlowSpike.Cluster.Grains;

/// <summary>A shard's persisted state: its lookup rows, the last window applied, and each applied window's result.</summary>
[GenerateSerializer]
public sealed class ShardState
{
    [Id(0)] public Dictionary<uint, RowState> Rows { get; set; } = [];
    [Id(1)] public string? BaselineRunId { get; set; }
    [Id(2)] public long? LastApplied { get; set; }
    [Id(3)] public Dictionary<long, WindowShardResult> Applied { get; set; } = [];
}
