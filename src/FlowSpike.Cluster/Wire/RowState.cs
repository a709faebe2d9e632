using FlowSpike.Models;

namespace FlowSpike.Cluster.Wire;

/// <summary>
/// A lookup row as grain state; doubles travel as their exact bits, a model's per-host state as its bytes. A host
/// beyond
/// IPv4 sources carries its <see cref="Name"/> when rows leave their shard (its number is the shard's own).
/// </summary>
[GenerateSerializer, Immutable]
internal readonly record struct RowState(
    [property: Id(0)] uint Src,
    [property: Id(1)] long? LatestCount,
    [property: Id(2)] long? NumDataPoints,
    [property: Id(3)] double? Avg,
    [property: Id(4)] double? Stdev,
    [property: Id(5)] byte[]? ModelState = null,
    [property: Id(6)] string? Name = null)
{
    public static RowState From(BaselineRow row) => new(row.Src, row.LatestCount, row.NumDataPoints, row.Avg, row.Stdev,
        row.ModelState);

    public BaselineRow ToRow() => new(Src, LatestCount, NumDataPoints, Avg, Stdev, ModelState);
}
