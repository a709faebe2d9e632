namespace FlowSpike.Alerts;

/// <summary>One alert in a chosen format, and how to recognise it again in a file of that format.</summary>
internal static class AlertRendering
{
    public static string Render(Alert alert, AlertFormat format, AsffOptions? asff = null) => format switch
    {
        AlertFormat.Ocsf => OcsfFinding.Render(alert),
        AlertFormat.Asff => AsffFinding.Render(alert, asff ?? new AsffOptions()),
        AlertFormat.Csv => AlertCsv.Row(alert),
        _ => AlertJson.Serialize(alert),
    };

    /// <summary>A text that occurs in the rendered alert and in no other alert's rendering.</summary>
    public static string Marker(string alertId, AlertFormat format) => format switch
    {
        AlertFormat.Ocsf => $"\"flowspike.alert_id\":\"{alertId}\"",
        AlertFormat.Asff => $"\"Id\":\"flowspike/{alertId}\"",
        AlertFormat.Csv => $"\n{alertId},",
        _ => $"\"alert_id\":\"{alertId}\"",
    };
}
