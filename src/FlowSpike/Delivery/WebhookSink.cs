using System.Globalization;
using System.Text;
using FlowSpike.Alerts;
using FlowSpike.State;
using FlowSpike.Time;

namespace FlowSpike.Delivery;

/// <summary>
/// POSTs each alert to a webhook: the alert's JSON (or another format), or a Slack-compatible {"text": ...} message.
/// </summary>
internal sealed class WebhookSink(Uri url, HttpDelivery delivery, bool slackText = false,
    AlertFormat format = AlertFormat.Jsonl, string? name = null) : IAlertSink
{
    public string Name { get; } = name ?? SinkName.Of("webhook", url.OriginalString);

    public TimeSpan RejectBackoff { get; init; } = TimeSpan.FromMinutes(1);

    public bool Independent => true;

    public void Deliver(IReadOnlyList<OutboxAlert> alerts, DeliveryReceipt receipt)
    {
        foreach (var pending in alerts)
        {
            var alert = AlertJson.Parse(pending.Body);
            string body = slackText
                ? FlatJson.Object([new("text", SlackText(alert))])
                : AlertRendering.Render(alert, format);
            try
            {
                delivery.Post(url, body, "application/json");
            }
            catch (SinkRejectedException e)
            {
                receipt.Reject(pending.Id, e.Message);
                continue;
            }
            receipt.Deliver(pending.Id);
        }
    }

    /// <summary>Slack's mrkdwn text. Every value is escaped, so a crafted name cannot mention @channel or
    /// link.</summary>
    public static string SlackText(Alert a)
    {
        var sb = new StringBuilder(":rotating_light: *Blocked outbound spike* from `");
        sb.Append(Escape(a.SrcIp)).Append("` (").Append(Escape(string.Join(", ", a.ResourceIds))).Append("): ");
        sb.Append(string.Create(CultureInfo.InvariantCulture,
            $"{a.BlockedConnections} blocked connections to {a.UniqueDestConnections} destination(s) in "));
        sb.Append(TimeRange.Format(a.WindowStart)).Append(" .. ").Append(TimeRange.Format(a.WindowEnd));
        sb.Append(string.Create(CultureInfo.InvariantCulture,
            $"; normal is {a.AvgBlockedConnections:F1} ± {a.StdevBlockedConnections:F1}, "));
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"threshold {a.Threshold:F1}."));
        sb.Append(" Top destinations: ").Append(Escape(string.Join(", ", a.BlockedDestIps.Take(5))));
        return sb.ToString();
    }

    /// <summary>Slack's three control characters; with them escaped, &lt;!channel&gt; is plain text.</summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);

    public void Dispose() { }
}
