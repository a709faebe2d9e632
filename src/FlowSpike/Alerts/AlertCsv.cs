using System.Globalization;
using FlowSpike.Time;

namespace FlowSpike.Alerts;

/// <summary>Alerts as CSV rows; lists are joined with spaces inside one field.</summary>
internal static class AlertCsv
{
    public const string Header =
        "alert_id,window_start,window_end,src_ip,blocked_connections,unique_dest_connections,blocked_dest_ips,"
        + "resource_ids,latest_count,num_data_points,avg_blocked_connections,stdev_blocked_connections,threshold,model";

    public static string Row(Alert a) => string.Join(',',
        a.Id, TimeRange.Format(a.WindowStart), TimeRange.Format(a.WindowEnd), a.SrcIp,
        a.BlockedConnections.ToString(CultureInfo.InvariantCulture),
            a.UniqueDestConnections.ToString(CultureInfo.InvariantCulture),
        string.Join(' ', a.BlockedDestIps), string.Join(' ', a.ResourceIds),
        a.LatestCount.ToString(CultureInfo.InvariantCulture), a.NumDataPoints.ToString(CultureInfo.InvariantCulture),
        a.AvgBlockedConnections.ToString("R", CultureInfo.InvariantCulture),
            a.StdevBlockedConnections.ToString("R", CultureInfo.InvariantCulture),
        a.Threshold.ToString("R", CultureInfo.InvariantCulture), a.Model);
}
