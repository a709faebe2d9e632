using FlowSpike.Cluster.Wire;

namespace FlowSpike.Cluster.Grains;

/// <summary>The persisted part of a queue watch: its job and the first open window. The ledger lives in its
/// partitions (<see cref="IObjectLedgerGrain"/>); ids 1, 3, 4 and 5 were used before and stay free.</summary>
[GenerateSerializer]
internal sealed class QueueWatchState
{
    [Id(0)] public QueueWatchMessage? Job { get; set; }
    /// <summary>Records of windows before this are late: closed, or claimed for closing.</summary>
    [Id(2)] public long LateBefore { get; set; } = long.MinValue;
}
