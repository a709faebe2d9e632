using FlowSpike.Cluster.Wire;

namespace FlowSpike.Cluster.Grains;

/// <summary>
/// A shard's persisted state: its lookup rows, and the last window closed with its result. Only the last is kept:
/// the coordinator moves to the next window only once every shard has closed this one, so a repeat is always of the
/// last.
/// </summary>
[GenerateSerializer]
internal sealed class ShardState
{
    [Id(0)] public Dictionary<uint, RowState> Rows { get; set; } = [];
    [Id(1)] public string? BaselineRunId { get; set; }
    [Id(2)] public long? LastClosed { get; set; }
    [Id(3)] public WindowShardResult? LastResult { get; set; }
    /// <summary>The shard's entity keying and the names of its hosts beyond IPv4 sources, in key order.</summary>
    [Id(4)] public string Entity { get; set; } = "src_ip";
    [Id(5)] public List<string> Names { get; set; } = [];
}
