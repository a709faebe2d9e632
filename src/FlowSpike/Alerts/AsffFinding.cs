using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FlowSpike.Alerts;

/// <summary>
/// An alert as an AWS Security Finding Format finding, ready for BatchImportFindings. Every required field is set;
/// a finding stays under Security Hub's 240 KB by listing at most <see cref="MaxListedDestinations"/> destinations.
/// </summary>
internal static class AsffFinding
{
    public const int MaxFindingBytes = 240 * 1024;
    public const int MaxListedDestinations = 1000;

    /// <summary>The finding's Id for an alert id: stable, so a re-import updates the same finding.</summary>
    public static string Id(string alertId) => "flowspike/" + alertId;

    public static string Render(Alert alert, AsffOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        string created =
            DateTimeOffset.FromUnixTimeSeconds(alert.WindowEnd)
            .UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("SchemaVersion", "2018-10-08");
            w.WriteString("Id", Id(alert.Id));
            string account = options.AccountFor(alert);
            w.WriteString("ProductArn", options.ProductArnFor(account));
            w.WriteString("ProductName", "FlowSpike");
            w.WriteString("CompanyName", "FlowSpike");
            w.WriteString("Region", options.Region);
            w.WriteString("GeneratorId", "flowspike-blocked-outbound-spike");
            w.WriteString("AwsAccountId", account);
            w.WriteStartArray("Types");
            w.WriteStringValue("TTPs/Command and Control");
            w.WriteStringValue("Unusual Behaviors/Network Flow");
            w.WriteEndArray();
            w.WriteString("FirstObservedAt",
                DateTimeOffset.FromUnixTimeSeconds(alert.WindowStart)
                .UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            w.WriteString("LastObservedAt", created);
            w.WriteString("CreatedAt", created);
            w.WriteString("UpdatedAt", created);
            w.WriteStartObject("Severity");
            w.WriteString("Label", "MEDIUM");
            w.WriteString("Original", "Spike");
            w.WriteEndObject();
            w.WriteString("Title", Truncate(OcsfFinding.Title(alert), 256));
            w.WriteString("Description", Truncate(OcsfFinding.Description(alert), 1024));
            w.WriteStartObject("ProductFields");
            w.WriteString("flowspike/alert_id", alert.Id);
            w.WriteString("flowspike/blocked_connections",
                alert.BlockedConnections.ToString(CultureInfo.InvariantCulture));
            w.WriteString("flowspike/unique_dest_connections",
                alert.UniqueDestConnections.ToString(CultureInfo.InvariantCulture));
            w.WriteString("flowspike/avg_blocked_connections",
                alert.AvgBlockedConnections.ToString("R", CultureInfo.InvariantCulture));
            w.WriteString("flowspike/stdev_blocked_connections",
                alert.StdevBlockedConnections.ToString("R", CultureInfo.InvariantCulture));
            w.WriteString("flowspike/threshold", alert.Threshold.ToString("R", CultureInfo.InvariantCulture));
            w.WriteString("flowspike/num_data_points", alert.NumDataPoints.ToString(CultureInfo.InvariantCulture));
            w.WriteString("flowspike/blocked_dest_ips",
                string.Join(',', alert.BlockedDestIps.Take(MaxListedDestinations)));
            w.WriteEndObject();
            w.WriteStartArray("Resources");
            IEnumerable<string?> resources = alert.ResourceIds.Count > 0 ? alert.ResourceIds
                : Enumerable.Repeat<string?>(null, 1);
            foreach (string? eni in resources)
            {
                w.WriteStartObject();
                w.WriteString("Type", eni is null ? "Other" : "AwsEc2NetworkInterface");
                w.WriteString("Id", eni ?? alert.SrcIp);
                w.WriteString("Partition", "aws");
                w.WriteString("Region", options.Region);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("Network");
            w.WriteString("Direction", "OUT");
            if (Selection.Ipv4.TryParse(alert.SrcIp, out _))
                w.WriteString("SourceIpV4", alert.SrcIp);
            else if (alert.SrcIp.Contains(':', StringComparison.Ordinal))
                w.WriteString("SourceIpV6", alert.SrcIp);
            if (alert.BlockedDestIps.FirstOrDefault(d => !d.Contains(':')) is { } first)
                w.WriteString("DestinationIpV4", first);
            w.WriteEndObject();
            w.WriteString("RecordState", "ACTIVE");
            w.WriteStartObject("Workflow");
            w.WriteString("Status", "NEW");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
