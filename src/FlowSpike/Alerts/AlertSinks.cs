namespace FlowSpike.Alerts;

/// <summary>Builds sinks from their specs; HTTP sinks share one client and retry with backoff.</summary>
public static class AlertSinks
{
    private static readonly Lazy<HttpClient> Client = new(() => new HttpClient { Timeout = TimeSpan.FromSeconds(30) });

    public static IAlertSink Create(SinkSpec spec, AsffOptions asff, HttpDelivery? delivery = null)
    {
        delivery ??= new HttpDelivery(Client.Value);
        AlertFormat Format() => ParseFormat(spec.Get("format") ?? "jsonl");
        return spec.Type switch
        {
            "file" => spec.Require("path") == "-" ? new FileAlertSink(Console.Out, Format(), asff) : new FileAlertSink(spec.Require("path"), Format(), asff),
            "webhook" => new WebhookSink(Url(spec.Require("url")), delivery, spec.Get("slack") is "true", Format()),
            "splunk_hec" => new SplunkHecSink(Url(spec.Require("url")), spec.Require("token"), delivery, spec.Get("sourcetype") ?? "flowspike:alert", spec.Get("index")),
            "securityhub" => new SecurityHubBatchSink(spec.Require("dir"), asff),
            _ => throw new ArgumentException($"unknown sink type \"{spec.Type}\" (known: file, webhook, splunk_hec, securityhub)"),
        };
    }

    public static AlertFormat ParseFormat(string text) => text.ToLowerInvariant() switch
    {
        "jsonl" or "json" => AlertFormat.Jsonl,
        "ocsf" => AlertFormat.Ocsf,
        "asff" => AlertFormat.Asff,
        "csv" => AlertFormat.Csv,
        _ => throw new ArgumentException($"unknown alert format \"{text}\" (known: jsonl, ocsf, asff, csv)"),
    };

    private static Uri Url(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? u : throw new ArgumentException($"\"{text}\" is not an http(s) URL");
}
