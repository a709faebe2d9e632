using FlowSpike.Queue;
using FlowSpike.Watch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace FlowSpike.Cluster.Hosting;

/// <summary>Builds and runs a FlowSpike silo: Redis membership and grain state, loopback-only endpoints unless told
/// otherwise.</summary>
internal static class FlowSpikeSilo
{
    /// <summary>What every silo needs whatever its clustering and storage (the test host adds memory storage
    /// instead).</summary>
    public static ISiloBuilder AddFlowSpike(this ISiloBuilder silo, int scanSlots)
    {
        silo.Services.AddSingleton(new ScanSlots(scanSlots));
        // One set of instruments per silo, shared by every queue watch's consumer and the grains it hosts.
        silo.Services.AddSingleton<WatchMetrics>();
        silo.Services.AddSingleton<QueueMetrics>();
        silo.Services.AddHostedService<ScanWorker>();
        silo.Services.AddHostedService<QueueWorker>();
        return silo;
    }

    public static void Configure(ISiloBuilder silo, SiloSettings settings)
    {
        string redis = settings.Connection.RedisConfiguration;
        silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
        silo.AddRedisGrainStorage(ClusterNames.Storage, ob => ob.Configure<IServiceProvider>((o, services) =>
        {
            o.ConfigurationOptions = ConfigurationOptions.Parse(redis);
            // Orleans' binary serializer: doubles are stored as their bits, so baselines survive a silo exactly.
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>());
        }));
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.Connection.ClusterId;
            o.ServiceId = ClusterNames.ServiceId;
        });
        silo.ConfigureEndpoints(settings.Address, settings.SiloPort, settings.GatewayPort,
            listenOnAnyHostAddress: false);
        // A killed silo is declared dead within seconds, so its grains come back elsewhere quickly.
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 2;
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
        });
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(2));
        silo.AddFlowSpike(settings.ScanSlots);
    }

    public static async Task RunAsync(SiloSettings settings, CancellationToken cancellation)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo => Configure(silo, settings));
        using var host = builder.Build();
        await host.StartAsync(cancellation);
        await Console.Error.WriteLineAsync($"flowspike: silo {settings.Address}:{settings.SiloPort} (gateway " +
            $"{settings.GatewayPort}) joined cluster '{settings.Connection.ClusterId}'");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellation);
        }
        catch (OperationCanceledException)
        {
        }
        await host.StopAsync(CancellationToken.None);
    }

    /// <summary>
    /// How long a client waits for a silo of its cluster before it gives up with a clear error: 30 s, or
    /// FLOWSPIKE_SILO_WAIT_SECONDS (tests).
    /// </summary>
    public static readonly TimeSpan SiloWait = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("FLOWSPIKE_SILO_WAIT_SECONDS"), out int s) && s > 0 ? s : 30);

    /// <summary>
    /// A client of the cluster, for the coordinator; dispose the host to disconnect. Redis must answer (else one line
    /// naming its address and why), and a silo must be registered within <see cref="SiloWait"/> (else one line saying
    /// none is running, and how to start one).
    /// </summary>
    public static async Task<IHost> ConnectAsync(ClusterConnection connection, CancellationToken cancellation = default,
        IRunLog? log = null)
    {
        await RedisReachable(connection, cancellation);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        wait.CancelAfter(SiloWait);
        try
        {
            var start = StartClientAsync(connection, wait.Token);
            if (log is not null && await Task.WhenAny(start, Task.Delay(TimeSpan.FromSeconds(3), wait.Token)) != start)
            {
                log.Info($"waiting for a silo of cluster '{connection.ClusterId}' in " +
                    $"redis://{connection.RedisConfiguration} (up to {SiloWait.TotalSeconds:0} s)");
            }
            return await start;
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested
            && (e is OperationCanceledException || e is SiloUnavailableException
                || e.InnerException is SiloUnavailableException))
        {
            throw new RunException($"cluster: no silo of cluster '{connection.ClusterId}' is registered in " +
                $"redis://{connection.RedisConfiguration} (waited {SiloWait.TotalSeconds:0} s); start one with " +
                "`flowspike cluster silo` on the same --clustering");
        }
    }

    /// <summary>A TCP connection to each Redis endpoint, so an unreachable or misspelled address is named.</summary>
    private static async Task RedisReachable(ClusterConnection connection, CancellationToken cancellation)
    {
        var options = ConfigurationOptions.Parse(connection.RedisConfiguration);
        string? why = null;
        foreach (var endpoint in options.EndPoints)
        {
            var (host, port) = endpoint switch
            {
                System.Net.DnsEndPoint d => (d.Host, d.Port),
                System.Net.IPEndPoint ip => (ip.Address.ToString(), ip.Port),
                _ => (endpoint.ToString() ?? "", 6379),
            };
            using var tcp = new System.Net.Sockets.TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await tcp.ConnectAsync(host, port == 0 ? 6379 : port, timeout.Token);
                return;
            }
            catch (System.Net.Sockets.SocketException e)
            {
                why = e.SocketErrorCode switch
                {
                    System.Net.Sockets.SocketError.ConnectionRefused => "connection refused",
                    System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.TryAgain
                        or System.Net.Sockets.SocketError.NoData => $"the name '{host}' does not resolve",
                    _ => e.Message,
                };
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                why = "no answer within 5 s";
            }
        }
        throw new RunException($"cluster: cannot reach Redis at {connection.RedisConfiguration} ({why ?? "no " +
            "endpoint given"})");
    }

    private static async Task<IHost> StartClientAsync(ClusterConnection connection, CancellationToken cancellation)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseRedisClustering(o =>
                o.ConfigurationOptions = ConfigurationOptions.Parse(connection.RedisConfiguration));
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = connection.ClusterId;
                o.ServiceId = ClusterNames.ServiceId;
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(2));
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellation);
            return host;
        }
        catch
        {
            // A client that never connected (no silo within the wait) is not left running.
            host.Dispose();
            throw;
        }
    }
}
