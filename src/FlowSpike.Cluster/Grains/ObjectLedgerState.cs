using FlowSpike.Cluster.Wire;

namespace FlowSpike.Cluster.Grains;

/// <summary>The persisted part of one ledger partition; bounded by pruning, so a write stays small.</summary>
[GenerateSerializer]
internal sealed class ObjectLedgerState
{
    [Id(0)] public Dictionary<string, LedgerRow> Rows { get; set; } = new(StringComparer.Ordinal);
    /// <summary>The last window each row's records fall in (or the open window when it has none).</summary>
    [Id(1)] public Dictionary<string, long> Horizon { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Records of windows before this are late.</summary>
    [Id(2)] public long LateBefore { get; set; } = long.MinValue;
    [Id(3)] public Dictionary<long, List<string>> Tasks { get; set; } = [];
    [Id(4)] public Dictionary<long, long> Present { get; set; } = [];
    [Id(5)] public Dictionary<long, long> Late { get; set; } = [];
}
