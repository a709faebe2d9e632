using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using static System.FormattableString;

namespace FlowSpike.Alerts;

/// <summary>
/// An alert as an OCSF 1.8.0 Detection Finding (class 2004): the observed count against the baseline in
/// anomaly_analyses, the host and its interfaces as resources, the destinations as observables, the ESCU search's
/// kill-chain
/// phase as MITRE ATT&amp;CK Command and Control (TA0011), and a finding uid stable per (window, source).
/// </summary>
internal static class OcsfFinding
{
    public const string Version = "1.8.0";

    /// <summary>A UUID derived from the alert id, so that re-delivery of the same alert deduplicates
    /// downstream.</summary>
    public static string Uid(Alert alert)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes("flowspike:" + alert.Id));
        hash[6] = (byte)((hash[6] & 0x0f) | 0x50); // version 5-style, name-based
        hash[8] = (byte)((hash[8] & 0x3f) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }

    public static string Render(Alert alert)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var w = new Utf8JsonWriter(buffer))
        {
            long time = alert.WindowEnd * 1000;
            w.WriteStartObject();
            w.WriteNumber("activity_id", 1);
            w.WriteString("activity_name", "Create");
            w.WriteNumber("category_uid", 2);
            w.WriteString("category_name", "Findings");
            w.WriteNumber("class_uid", 2004);
            w.WriteString("class_name", "Detection Finding");
            w.WriteNumber("type_uid", 200401);
            w.WriteString("type_name", "Detection Finding: Create");
            // Graded by the tail probability, or for the ESCU search's model by the deviations above the threshold.
            var (severityId, severity) = alert.Severity switch
            {
                "low" => (2, "Low"),
                "high" => (4, "High"),
                "critical" => (5, "Critical"),
                _ => (3, "Medium"),
            };
            w.WriteNumber("severity_id", severityId);
            w.WriteString("severity", severity);
            w.WriteNumber("status_id", 1);
            w.WriteString("status", "New");
            w.WriteNumber("time", time);
            w.WriteNumber("start_time", alert.WindowStart * 1000);
            w.WriteNumber("end_time", time);
            w.WriteBoolean("is_alert", true);
            w.WriteString("message", Title(alert));

            w.WriteStartObject("metadata");
            w.WriteString("version", Version);
            w.WriteString("uid", Uid(alert));
            w.WriteStartObject("product");
            w.WriteString("name", "FlowSpike");
            w.WriteString("vendor_name", "FlowSpike");
            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteStartObject("finding_info");
            w.WriteString("uid", Uid(alert));
            w.WriteString("title", Title(alert));
            w.WriteString("desc", Description(alert));
            w.WriteStartObject("analytic");
            w.WriteString("name", "Detect Spike in blocked Outbound Traffic from your AWS");
            w.WriteString("uid", "ada0f278-84a8-46w1-a3f1-w32372d4bd53");
            w.WriteNumber("type_id", 3);
            w.WriteString("type", "Statistical");
            w.WriteEndObject();
            w.WriteStartArray("types");
            w.WriteStringValue("Blocked outbound connection spike");
            w.WriteEndArray();
            w.WriteStartArray("attacks");
            w.WriteStartObject();
            w.WriteStartObject("tactic");
            w.WriteString("uid", "TA0011");
            w.WriteString("name", "Command and Control");
            w.WriteEndObject();
            w.WriteString("version", "v15");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();

            w.WriteStartArray("anomaly_analyses");
            w.WriteStartObject();
            w.WriteStartArray("analysis_targets");
            w.WriteStartObject();
            w.WriteString("name", alert.Host);
            w.WriteString("type", alert.Entity is null ? "src_ip" : "entity");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartArray("anomalies");
            Pattern(w, "blocked_outbound_connections", "count per window",
                $"{alert.BlockedConnections} blocked outbound connections > threshold {alert.Threshold:R}",
                [(alert.BlockedConnections.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    alert.BlockedConnections)], alert);
            w.WriteEndArray();
            w.WriteStartArray("baselines");
            if (alert.Evidence is { } ev)
            {
                string R(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                Pattern(w, "blocked_outbound_connections", "expected count for this window",
                    $"expected {R(ev.Expected)}, negative binomial dispersion {R(ev.Dispersion)}, tail probability "
                        + $"{R(ev.TailProbability)} ({ev.Rule}), {alert.NumDataPoints} data points",
                    [(R(ev.Expected), null), (R(ev.Dispersion), null), (R(ev.TailProbability), null),
                        ("threshold", null)], alert);
            }
            else
            {
                Pattern(w, "blocked_outbound_connections", "baseline per window",
                    $"avg {alert.AvgBlockedConnections:R}, stdev {alert.StdevBlockedConnections:R}, "
                        + $"{alert.NumDataPoints} data points, threshold avg + {alert.DeviationThreshold:R} * stdev",
                    [("avg", null), ("stdev", null), ("threshold", null)], alert);
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();

            w.WriteStartArray("resources");
            w.WriteStartObject();
            w.WriteString("type", "Host");
            bool isIp = System.Net.IPAddress.TryParse(alert.SrcIp, out _);
            if (isIp)
                w.WriteString("ip", alert.SrcIp);
            w.WriteString("name", alert.Host);
            w.WriteEndObject();
            foreach (string eni in alert.ResourceIds)
            {
                w.WriteStartObject();
                w.WriteString("type", "AwsEc2NetworkInterface");
                w.WriteString("uid", eni);
                w.WriteString("name", eni);
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartArray("observables");
            if (isIp)
                Observable(w, "src_ip", 2, "IP Address", alert.SrcIp);
            foreach (string dst in alert.BlockedDestIps)
                Observable(w, "blocked_dest_ip", 2, "IP Address", dst);
            foreach (string eni in alert.ResourceIds)
                Observable(w, "resource_id", 10, "Resource UID", eni);
            w.WriteEndArray();

            w.WriteStartObject("unmapped");
            w.WriteString("flowspike.alert_id", alert.Id);
            w.WriteString("flowspike.model", alert.Model);
            if (alert.Evidence is { } evidence)
            {
                w.WriteNumber("flowspike.expected_count", evidence.Expected);
                w.WriteNumber("flowspike.dispersion", evidence.Dispersion);
                w.WriteNumber("flowspike.tail_probability", evidence.TailProbability);
                w.WriteString("flowspike.rule", evidence.Rule);
                if (evidence.BurstHistory is { } bursts)
                    w.WriteString("flowspike.burst_history", bursts);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Observable(Utf8JsonWriter w, string name, int typeId, string type, string value)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteNumber("type_id", typeId);
        w.WriteString("type", type);
        w.WriteString("value", value);
        w.WriteEndObject();
    }

    private static void Pattern(Utf8JsonWriter w, string parameter, string type, string pattern,
        (string Value, long? Count)[] observations, Alert alert)
    {
        w.WriteStartObject();
        w.WriteString("observation_parameter", parameter);
        w.WriteString("observation_type", type);
        w.WriteString("observed_pattern", pattern);
        w.WriteStartArray("observations");
        foreach (var (value, count) in observations)
        {
            w.WriteStartObject();
            w.WriteString("value", value switch
            {
                "avg" => alert.AvgBlockedConnections.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                "stdev" =>
                    alert.StdevBlockedConnections.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                "threshold" => alert.Threshold.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                _ => value,
            });
            if (count is { } c)
                w.WriteNumber("count", c);
            w.WriteStartObject("timespan");
            w.WriteNumber("start_time", alert.WindowStart * 1000);
            w.WriteNumber("end_time", alert.WindowEnd * 1000);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static string Title(Alert alert) =>
        $"Spike in blocked outbound connections from {alert.SrcIp}: {alert.BlockedConnections} in "
            + $"{AlertJson.IsoTime(alert.WindowStart)} .. {AlertJson.IsoTime(alert.WindowEnd)}";

    // Each piece formats its numbers with the invariant culture; the pieces join into one sentence.
    public static string Description(Alert alert) => alert.Evidence is { } ev
        ? Invariant($"{alert.SrcIp} had {alert.BlockedConnections} blocked outbound connections to ")
            + Invariant($"{alert.UniqueDestConnections} distinct destination(s) in the window; ")
            + Invariant($"it was expected to have {ev.Expected:F2} (dispersion {ev.Dispersion:F3}), ")
            + Invariant($"and a count this high has probability {ev.TailProbability:G3} ")
            + Invariant($"({ev.Rule}, severity {ev.Severity}). ")
            + "Possible C2 beaconing, exfiltration attempt, or a new egress rule."
        : Invariant($"{alert.SrcIp} had {alert.BlockedConnections} blocked outbound connections to ")
            + Invariant($"{alert.UniqueDestConnections} distinct destination(s) in the window, ")
            + Invariant($"above its threshold {alert.Threshold:F2} (avg {alert.AvgBlockedConnections:F2} + ")
            + Invariant($"{alert.DeviationThreshold} x stdev {alert.StdevBlockedConnections:F2}, ")
            + Invariant($"{alert.NumDataPoints} data points). ")
            + "Possible C2 beaconing, exfiltration attempt, or a new egress rule.";
}
