using FlowSpike.Alerts;
using FlowSpike.Time;

namespace FlowSpike.Delivery;

/// <summary>
/// Builds sinks from their specs; HTTP sinks share one client and retry with backoff. Every spec may give "name" (the
/// identity the state keeps deliveries under) and "backoff" (first delay after a rejection, e.g. "1m").
/// </summary>
internal static class AlertSinks
{
    private static readonly Lazy<HttpClient> Client = new(() => new HttpClient { Timeout = TimeSpan.FromSeconds(30) });

    public static IAlertSink Create(SinkSpec spec, AsffOptions asff, HttpDelivery? delivery = null,
        Action<string>? warn = null)
    {
        delivery ??= new HttpDelivery(Client.Value);
        AlertFormat Format() => ParseFormat(spec.Get("format") ?? "jsonl");
        string? name = spec.Get("name") is { } given ? spec.Type + ":" + given : null;
        var backoff = Backoff(spec);
        return spec.Type switch
        {
            "file" => spec.Require("path") == "-"
                ? new FileAlertSink(Console.Out, Format(), asff)
                : new FileAlertSink(spec.Require("path"), Format(), asff) { Warn = warn },
            "webhook" => new WebhookSink(Url(spec, "url"), delivery, spec.Get("slack") is "true", Format(), name)
            {
                RejectBackoff = backoff,
            },
            "splunk_hec" => new SplunkHecSink(Url(spec, "url"), spec.Require("token"), delivery,
                spec.Get("sourcetype") ?? "flowspike:alert", spec.Get("index"), name)
            {
                RejectBackoff = backoff,
            },
            // With "dir", request files for someone else to upload; otherwise the API itself.
            "securityhub" when spec.Get("dir") is { } dir => new SecurityHubBatchSink(dir, asff),
            "securityhub" => new SecurityHubApiSink(spec.Get("region") ?? asff.Region, asff, delivery,
                spec.Get("endpoint"))
            { RejectBackoff = backoff },
            _ => throw new ArgumentException(
                $"unknown sink type \"{spec.Type}\" (known: file, webhook, splunk_hec, securityhub)"),
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

    private static TimeSpan Backoff(SinkSpec spec)
    {
        string? text = spec.Get("backoff");
        if (text is null)
            return TimeSpan.FromMinutes(1);
        return TimeRange.TryParseDuration(text, out long seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException($"sink \"{spec.Type}\": backoff \"{text}\" is not a duration (examples: " +
                $"30s, 5m)");
    }

    /// <summary>An http(s) URL; the error names the sink and key, never the URL, which may hold a token.</summary>
    private static Uri Url(SinkSpec spec, string key)
    {
        string text = spec.Require(key);
        return Uri.TryCreate(text, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"
            ? u
            : throw new ArgumentException($"sink \"{spec.Type}\": \"{key}\" is not an http(s) URL");
    }
}
