using FlowSpike.Cluster.Wire;

namespace FlowSpike.Cluster.Grains;

/// <summary>A scan task's persisted result: its report and its cells per shard.</summary>
[GenerateSerializer]
internal sealed class ScanTaskState
{
    [Id(0)] public ScanReport? Report { get; set; }
    [Id(1)] public SourceStats[][] Slices { get; set; } = [];
}
