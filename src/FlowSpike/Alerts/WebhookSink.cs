using System.Text.Json;

namespace FlowSpike.Alerts;

/// <summary>
/// POSTs each alert to a webhook: the alert's JSON (or another format), or a Slack-compatible {"text": ...} message.
/// </summary>
public sealed class WebhookSink(Uri url, HttpDelivery delivery, bool slackText = false, AlertFormat format = AlertFormat.Jsonl) : IAlertSink
{
    public string Name { get; } = "webhook:" + url;

    public void Deliver(IReadOnlyList<State.PendingAlert> alerts)
    {
        foreach (var pending in alerts)
        {
            var alert = AlertJson.Parse(pending.Body);
            string body = slackText
                ? JsonSerializer.Serialize(new Dictionary<string, string> { ["text"] = SlackText(alert) })
                : AlertRendering.Render(alert, format);
            delivery.Post(url, body, "application/json");
        }
    }

    public static string SlackText(Alert a) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $":rotating_light: *Blocked outbound spike* from `{a.SrcIp}` ({string.Join(", ", a.ResourceIds)}): {a.BlockedConnections} blocked connections to {a.UniqueDestConnections} destination(s) in {AlertJson.IsoTime(a.WindowStart)} .. {AlertJson.IsoTime(a.WindowEnd)}; normal is {a.AvgBlockedConnections:F1} ± {a.StdevBlockedConnections:F1}, threshold {a.Threshold:F1}. Top destinations: {string.Join(", ", a.BlockedDestIps.Take(5))}");

    public void Dispose() { }
}
