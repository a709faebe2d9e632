using FlowSpike.Cluster.Wire;

namespace FlowSpike.Cluster.Grains;

/// <summary>The persisted part of a queue watch: its job, the ledger, and the objects of each open window.</summary>
[GenerateSerializer]
public sealed class QueueWatchState
{
    [Id(0)] public QueueWatchJob? Job { get; set; }
    [Id(1)] public Dictionary<string, LedgerRow> Ledger { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Records of windows before this are late: closed, or claimed for closing.</summary>
    [Id(2)] public long LateBefore { get; set; } = long.MinValue;
    [Id(3)] public Dictionary<long, List<string>> Tasks { get; set; } = [];
    [Id(4)] public Dictionary<long, long> Present { get; set; } = [];
    [Id(5)] public Dictionary<long, long> Late { get; set; } = [];
}
