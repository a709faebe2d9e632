using System.Net;
using FlowSpike.Watch;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace FlowSpike.Cli;

/// <summary>
/// Publishes watch's metrics with OpenTelemetry: a Prometheus endpoint at /metrics on --listen (loopback by default),
/// /healthz beside it, and OTLP when OTEL_EXPORTER_OTLP_ENDPOINT (or --otlp-endpoint) names a collector.
/// </summary>
internal sealed class MetricsEndpoint : IDisposable
{
    private readonly MeterProvider _provider;
    private readonly HttpListener? _health;

    private MetricsEndpoint(MeterProvider provider, HttpListener? health)
    {
        _provider = provider;
        _health = health;
    }

    public static MetricsEndpoint? Start(string? listen, string? otlpEndpoint)
    {
        bool serve = listen is not (null or "none");
        otlpEndpoint ??= Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } e
            ? e
            : null;
        if (!serve && otlpEndpoint is null)
            return null;
        var builder = Sdk.CreateMeterProviderBuilder().AddMeter(WatchMetrics.MeterName);
        if (serve)
        {
            int colon = listen!.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(listen[(colon + 1)..], out int port) || port is < 1 or > 65535)
                throw new FlowSpike.Runs.RunException($"--listen: '{listen}' is not HOST:PORT (or none)");
            string host = listen[..colon].Trim('[', ']');
            builder.AddPrometheusHttpListener(o =>
            {
                o.Host = host;
                o.Port = port;
                o.ScrapeEndpointPath = "/metrics";
                o.ScrapeResponseCacheDurationMilliseconds = 0;
            });
        }
        if (otlpEndpoint is not null)
        {
            if (!Uri.TryCreate(otlpEndpoint, UriKind.Absolute, out var otlp) || otlp.Scheme is not ("http" or "https"))
                throw new FlowSpike.Runs.RunException($"--otlp-endpoint: '{otlpEndpoint}' is not an http(s) URL");
            // The export interval follows OTEL_METRIC_EXPORT_INTERVAL, as the SDK reads it (default 60 s).
            builder.AddOtlpExporter(exporter =>
            {
                exporter.Endpoint = new Uri(otlp, "v1/metrics");
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
            });
        }
        MeterProvider provider;
        try
        {
            provider = builder.Build();
        }
        catch (Exception ex) when (ex is HttpListenerException or InvalidOperationException)
        {
            throw new IOException($"--listen {listen}: cannot listen ({ex.Message})", ex);
        }
        HttpListener? health = null;
        if (serve)
        {
            health = new HttpListener();
            health.Prefixes.Add($"http://{listen}/healthz/");
            try
            {
                health.Start();
            }
            catch (HttpListenerException ex)
            {
                provider.Dispose();
                throw new IOException($"--listen {listen}: cannot listen ({ex.Message})", ex);
            }
            _ = Task.Run(() => ServeHealth(health));
        }
        return new MetricsEndpoint(provider, health);
    }

    private static async Task ServeHealth(HttpListener listener)
    {
        while (listener.IsListening)
        {
            try
            {
                var context = await listener.GetContextAsync();
                byte[] ok = "ok\n"u8.ToArray();
                context.Response.ContentType = "text/plain";
                context.Response.ContentLength64 = ok.Length;
                await context.Response.OutputStream.WriteAsync(ok);
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException
                or IOException)
            {
                if (!listener.IsListening)
                    return;
            }
        }
    }

    /// <summary>
    /// A warning when <paramref name="hostPort"/> serves beyond this machine: the metrics name files, hosts and counts,
    /// and nothing authenticates a reader. Null for a loopback address (or "none").
    /// </summary>
    public static string? Exposure(string hostPort)
    {
        if (hostPort == "none")
            return null;
        int colon = hostPort.LastIndexOf(':');
        string host = (colon > 0 ? hostPort[..colon] : hostPort).Trim('[', ']');
        bool loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
        return loopback ? null
            : $"--listen {hostPort} is not a loopback address: /metrics and /healthz are open to the network " +
                "without authentication";
    }

    public void Dispose()
    {
        _health?.Close();
        _provider.Dispose();
    }
}
