using System.Buffers;
using System.Text;
using System.Text.Json;
using FlowSpike.Alerts;
using FlowSpike.State;

namespace FlowSpike.Delivery;

/// <summary>
/// Sends alerts to Splunk's HTTP Event Collector (/services/collector/event) in batches of 100, with the token header.
/// A batch the collector refuses is sent again alert by alert, so one bad event does not hold back the others.
/// </summary>
internal sealed class SplunkHecSink(Uri baseUrl, string token, HttpDelivery delivery,
    string sourceType = "flowspike:alert", string? index = null, string? name = null) : IAlertSink
{
    private readonly Uri _endpoint = new(baseUrl, "/services/collector/event");

    public string Name { get; } = name ?? SinkName.Of("splunk-hec", baseUrl.OriginalString);

    public TimeSpan RejectBackoff { get; init; } = TimeSpan.FromMinutes(1);

    public void Deliver(IReadOnlyList<OutboxAlert> alerts, DeliveryReceipt receipt)
    {
        foreach (var batch in alerts.Chunk(100))
        {
            try
            {
                Post(batch);
                receipt.Deliver([.. batch.Select(p => p.Id)]);
            }
            catch (SinkRejectedException) when (batch.Length > 1)
            {
                foreach (var pending in batch)
                {
                    try
                    {
                        Post([pending]);
                        receipt.Deliver(pending.Id);
                    }
                    catch (SinkRejectedException e)
                    {
                        receipt.Reject(pending.Id, e.Message);
                    }
                }
            }
            catch (SinkRejectedException e)
            {
                receipt.Reject(batch[0].Id, e.Message);
            }
        }
    }

    private void Post(IEnumerable<OutboxAlert> batch)
    {
        var sb = new StringBuilder();
        foreach (var pending in batch)
        {
            // One parse: the event is the alert's JSON as stored, and its time the alert's window end.
            using var doc = JsonDocument.Parse(pending.Body);
            var buffer = new ArrayBufferWriter<byte>(pending.Body.Length + 128);
            using (var envelope = new Utf8JsonWriter(buffer))
            {
                envelope.WriteStartObject();
                envelope.WriteNumber("time", AlertJson.WindowEndOf(doc.RootElement));
                envelope.WriteString("host", "flowspike");
                envelope.WriteString("source", "flowspike");
                envelope.WriteString("sourcetype", sourceType);
                envelope.WritePropertyName("event");
                doc.RootElement.WriteTo(envelope);
                if (index is not null)
                    envelope.WriteString("index", index);
                envelope.WriteEndObject();
            }
            sb.Append(Encoding.UTF8.GetString(buffer.WrittenSpan)).Append('\n');
        }
        delivery.Post(_endpoint, sb.ToString(), "application/json",
            new Dictionary<string, string> { ["Authorization"] = "Splunk " + token });
    }

    public void Dispose() { }
}
