using System.Text;
using System.Text.Json;

namespace FlowSpike.Alerts;

/// <summary>Sends alerts to Splunk's HTTP Event Collector (/services/collector/event), batched, with the token header.</summary>
public sealed class SplunkHecSink(Uri baseUrl, string token, HttpDelivery delivery, string sourceType = "flowspike:alert", string? index = null) : IAlertSink
{
    private readonly Uri _endpoint = new(baseUrl, "/services/collector/event");

    public string Name { get; } = "splunk-hec:" + baseUrl;

    public void Deliver(IReadOnlyList<State.PendingAlert> alerts)
    {
        foreach (var batch in alerts.Chunk(100))
        {
            var sb = new StringBuilder();
            foreach (var pending in batch)
            {
                var alert = AlertJson.Parse(pending.Body);
                using var doc = JsonDocument.Parse(pending.Body);
                var envelope = new Dictionary<string, object?>
                {
                    ["time"] = alert.WindowEnd,
                    ["host"] = "flowspike",
                    ["source"] = "flowspike",
                    ["sourcetype"] = sourceType,
                    ["event"] = doc.RootElement,
                };
                if (index is not null)
                    envelope["index"] = index;
                sb.Append(JsonSerializer.Serialize(envelope)).Append('\n');
            }
            delivery.Post(_endpoint, sb.ToString(), "application/json", new Dictionary<string, string> { ["Authorization"] = "Splunk " + token });
        }
    }

    public void Dispose() { }
}
