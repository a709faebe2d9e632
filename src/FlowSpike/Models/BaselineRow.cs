namespace FlowSpike.Models;

/// <summary>
/// One row of the lookup `baseline_blocked_outbound_connections`. Null is SPL's null: a missing value that
/// poisons arithmetic and makes the spike test false. <see cref="ModelState"/> is what a model beyond the ESCU search
/// keeps
/// per host besides the ESCU search's columns (a seasonal profile, recent counts); null in the ESCU search's model.
/// </summary>
internal readonly record struct BaselineRow(uint Src, long? LatestCount, long? NumDataPoints, double? Avg,
    double? Stdev,
    byte[]? ModelState = null)
{
    public string SrcIp => Selection.Ipv4.Format(Src);
}
