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
public static class FlowSpikeSilo
{
    /// <summary>What every silo needs whatever its clustering and storage (the test host adds memory storage
    /// instead).</summary>
    public static ISiloBuilder AddFlowSpike(this ISiloBuilder silo, int scanSlots)
    {
        silo.Services.AddSingleton(new ScanSlots(scanSlots));
        silo.Services.AddHostedService<ScanWorker>();
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

    /// <summary>A client of the cluster, for the coordinator. Dispose the host to disconnect.</summary>
    public static async Task<IHost> ConnectAsync(ClusterConnection connection, CancellationToken cancellation = default)
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
        await host.StartAsync(cancellation);
        return host;
    }
}
