using System.Net;
using FlowSpike.Watch;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace FlowSpike.Cli;

/// <summary>
/// Publishes watch's metrics with OpenTelemetry: /metrics (Prometheus) and /healthz served by Kestrel on --listen, any
/// address (0.0.0.0 and [::] included) and whatever Host header a probe or scraper sends; and OTLP when
/// OTEL_EXPORTER_OTLP_ENDPOINT (or --otlp-endpoint) names a collector. The service is named flowspike unless
/// OTEL_SERVICE_NAME says otherwise.
/// </summary>
internal sealed class MetricsEndpoint : IDisposable
{
    public const string ServiceName = "flowspike";

    private readonly MeterProvider _provider;
    private readonly WebApplication? _server;

    private MetricsEndpoint(MeterProvider provider, WebApplication? server)
    {
        _provider = provider;
        _server = server;
    }

    public static MetricsEndpoint? Start(string? listen, string? otlpEndpoint, Func<string> health)
    {
        bool serve = listen is not (null or "none");
        otlpEndpoint ??= Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } e
            ? e
            : null;
        if (!serve && otlpEndpoint is null)
            return null;
        var (address, port) = serve ? Parse(listen!) : (null, 0);
        var builder = Sdk.CreateMeterProviderBuilder().AddMeter(WatchMetrics.MeterName);
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME")))
            builder.ConfigureResource(r => r.AddService(ServiceName));
        if (serve)
        {
            builder.AddPrometheusExporter(o =>
            {
                o.ScrapeEndpointPath = "/metrics";
                o.ScrapeResponseCacheDurationMilliseconds = 0;
            });
        }
        if (otlpEndpoint is not null)
        {
            if (!Uri.TryCreate(otlpEndpoint, UriKind.Absolute, out var otlp) || otlp.Scheme is not ("http" or "https"))
                throw new RunException($"--otlp-endpoint: '{otlpEndpoint}' is not an http(s) URL");
            // The export interval follows OTEL_METRIC_EXPORT_INTERVAL, as the SDK reads it (default 60 s).
            builder.AddOtlpExporter(exporter =>
            {
                exporter.Endpoint = new Uri(otlp, "v1/metrics");
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
            });
        }
        var provider = builder.Build();
        if (!serve)
            return new MetricsEndpoint(provider, null);
        try
        {
            return new MetricsEndpoint(provider, Serve(listen!, address, port, provider, health));
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    private static WebApplication Serve(string listen, IPAddress? address, int port, MeterProvider provider,
        Func<string> health)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = ServiceName,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // stdout carries alerts and stderr the run's own notes: the server logs nothing, and the watch, not the host,
        // handles SIGTERM and Ctrl-C.
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime>(new NoHostLifetime());
        builder.WebHost.ConfigureKestrel(k =>
        {
            if (address is null)
                k.ListenLocalhost(port);
            else if (address.Equals(IPAddress.IPv6Any))
                k.ListenAnyIP(port); // [::], * and +: IPv6 and IPv4 where the host has IPv6, else IPv4
            else
                k.Listen(address, port);
        });
        var app = builder.Build();
        app.UseOpenTelemetryPrometheusScrapingEndpoint(provider, predicate: null, path: "/metrics",
            configureBranchedPipeline: null, optionsName: null);
        app.Run(context =>
        {
            if (context.Request.Path != "/healthz")
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            // 200 while watch runs: a probe that restarted it for an S3 outage or a down sink would fix nothing. The
            // body says why it is degraded; flowspike_degraded is the metric to alert on.
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync(health() + "\n");
        });
        try
        {
            app.StartAsync().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            ((IDisposable)app).Dispose();
            throw new IOException($"--listen {listen}: cannot listen ({ex.Message})", ex);
        }
        return app;
    }

    /// <summary>HOST:PORT as an address to bind (null: localhost, both loopbacks); other host names are
    /// refused.</summary>
    private static (IPAddress? Address, int Port) Parse(string listen)
    {
        int colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen[(colon + 1)..], out int port) || port is < 1 or > 65535)
            throw new RunException($"--listen: '{listen}' is not HOST:PORT (or none)");
        string host = listen[..colon].Trim('[', ']');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            return (null, port);
        if (host is "*" or "+")
            return (IPAddress.IPv6Any, port);
        if (!IPAddress.TryParse(host, out var address))
        {
            throw new RunException(
                $"--listen: '{host}' is not an IP address (use 0.0.0.0, [::], 127.0.0.1 or localhost)");
        }
        return (address, port);
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
        if (_server is not null)
        {
            _server.StopAsync().GetAwaiter().GetResult();
            ((IDisposable)_server).Dispose();
        }
        _provider.Dispose();
    }

    private sealed class NoHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
