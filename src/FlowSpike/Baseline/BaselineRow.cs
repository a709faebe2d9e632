namespace FlowSpike.Baseline;

/// <summary>
/// One row of the lookup `baseline_blocked_outbound_connections`. Null is SPL's null: a missing value that
/// poisons arithmetic and makes the spike test false.
/// </summary>
public readonly record struct BaselineRow(uint Src, long? LatestCount, long? NumDataPoints, double? Avg, double? Stdev)
{
    public string SrcIp => Selection.Ipv4.Format(Src);
}
