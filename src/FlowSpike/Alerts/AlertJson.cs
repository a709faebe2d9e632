using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FlowSpike.Alerts;

/// <summary>The JSON Lines form of an alert: one object per line, stable key order, times in ISO 8601 UTC.</summary>
internal static class AlertJson
{
    public static string Serialize(Alert alert)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("alert_id", alert.Id);
            w.WriteString("window_start", IsoTime(alert.WindowStart));
            w.WriteString("window_end", IsoTime(alert.WindowEnd));
            w.WriteString("src_ip", alert.SrcIp);
            if (alert.Entity is not null)
                w.WriteString("entity", alert.Entity);
            w.WriteNumber("blocked_connections", alert.BlockedConnections);
            w.WriteNumber("unique_dest_connections", alert.UniqueDestConnections);
            WriteArray(w, "blocked_dest_ips", alert.BlockedDestIps);
            WriteArray(w, "resource_ids", alert.ResourceIds);
            w.WriteNumber("latest_count", alert.LatestCount);
            w.WriteNumber("num_data_points", alert.NumDataPoints);
            w.WriteNumber("avg_blocked_connections", alert.AvgBlockedConnections);
            w.WriteNumber("stdev_blocked_connections", alert.StdevBlockedConnections);
            w.WriteNumber("threshold", alert.Threshold);
            w.WriteNumber("deviation_threshold", alert.DeviationThreshold);
            w.WriteNumber("data_point_threshold", alert.DataPointThreshold);
            w.WriteString("model", alert.Model);
            if (alert.Evidence is { } ev)
            {
                // Only the models beyond the ESCU search carry evidence, so the ESCU search's lines stay exactly as
                // they were.
                w.WriteNumber("expected_count", ev.Expected);
                w.WriteNumber("dispersion", ev.Dispersion);
                w.WriteNumber("tail_probability", ev.TailProbability);
                w.WriteString("rule", ev.Rule);
                w.WriteString("severity", ev.Severity);
                if (ev.BurstHistory is { } bursts)
                    w.WriteString("burst_history", bursts);
            }
            if (alert.Annotations.Count > 0)
                WriteArray(w, "annotations", alert.Annotations);
            if (alert.GroupedHosts.Count > 0)
                WriteArray(w, "grouped_hosts", alert.GroupedHosts);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads back an alert written by <see cref="Serialize"/> (the outbox keeps this form).</summary>
    public static Alert Parse(string body)
    {
        using var doc = JsonDocument.Parse(body);
        var e = doc.RootElement;
        static string[] Strings(JsonElement a) => [.. a.EnumerateArray().Select(x => x.GetString()!)];
        return new Alert
        {
            WindowStart = ParseIso(e.GetProperty("window_start").GetString()!),
            WindowEnd = WindowEndOf(e),
            SrcIp = e.GetProperty("src_ip").GetString()!,
            Entity = e.TryGetProperty("entity", out var entity) ? entity.GetString() : null,
            BlockedConnections = e.GetProperty("blocked_connections").GetInt64(),
            BlockedDestIps = Strings(e.GetProperty("blocked_dest_ips")),
            ResourceIds = Strings(e.GetProperty("resource_ids")),
            LatestCount = e.GetProperty("latest_count").GetInt64(),
            NumDataPoints = e.GetProperty("num_data_points").GetInt64(),
            AvgBlockedConnections = e.GetProperty("avg_blocked_connections").GetDouble(),
            StdevBlockedConnections = e.GetProperty("stdev_blocked_connections").GetDouble(),
            Threshold = e.GetProperty("threshold").GetDouble(),
            DeviationThreshold = e.GetProperty("deviation_threshold").GetDouble(),
            DataPointThreshold = e.GetProperty("data_point_threshold").GetInt64(),
            Model = e.GetProperty("model").GetString()!,
            Evidence = e.TryGetProperty("tail_probability", out var tail)
                ? new Baseline.SpikeEvidence(e.GetProperty("expected_count").GetDouble(),
                    e.GetProperty("dispersion").GetDouble(),
                    tail.GetDouble(), e.GetProperty("rule").GetString()!)
                {
                    Threshold = e.GetProperty("threshold").GetDouble(),
                    BurstHistory = e.TryGetProperty("burst_history", out var bursts) ? bursts.GetString() : null,
                }
                : null,
            Annotations = e.TryGetProperty("annotations", out var notes) ? Strings(notes) : [],
            GroupedHosts = e.TryGetProperty("grouped_hosts", out var grouped) ? Strings(grouped) : [],
        };
    }

    /// <summary>The window end (epoch seconds) of an alert's JSON, for a sink that sends the JSON as it is.</summary>
    internal static long WindowEndOf(JsonElement alert) => ParseIso(alert.GetProperty("window_end").GetString()!);

    private static long ParseIso(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUnixTimeSeconds();

    public static string IsoTime(long epochSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(epochSeconds)
            .UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void WriteArray(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values)
            w.WriteStringValue(v);
        w.WriteEndArray();
    }
}
