using System.CommandLine;
using FlowSpike.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace FlowSpike.Cli;

/// <summary>
/// `flowspike cluster ...`: a silo, and baseline / detect / lookup export run on the cluster with the local commands'
/// options. --state names the state held by the cluster instead of a SQLite file.
/// </summary>
internal static class ClusterCommand
{
    public static Command Build()
    {
        var cluster = new Command("cluster", CommandTree.ClusterDescription);
        cluster.Subcommands.Add(ClusterSiloCommand.Build());
        cluster.Subcommands.Add(ClusterBaselineCommand.Build());
        cluster.Subcommands.Add(ClusterDetectCommand.Build());
        cluster.Subcommands.Add(ClusterWatchCommand.Build());
        var lookup = new Command("lookup", "The lookup held by the cluster.");
        lookup.Subcommands.Add(ClusterLookupCommand.Build());
        cluster.Subcommands.Add(lookup);
        return cluster;
    }

    internal static Option<int> ShardsOption() =>
        new("--shards")
        {
            Description = "Source shards of a new cluster state (an existing state keeps its count).",
            DefaultValueFactory = _ => ClusterNames.DefaultShards,
            HelpName = "N"
        };

    internal static ClusterCoordinator Coordinator(Microsoft.Extensions.Hosting.IHost host, string state, IRunLog log,
        int shards, Selection.EntityKind? entity) =>
        new(host.Services.GetRequiredService<IClusterClient>(), state, log) { Shards = shards, Entity = entity };

    /// <summary>Like <see cref="CliGuard.Run"/>, and a cluster that cannot be reached is one line too.</summary>
    internal static int Run(Func<int> action) => CliGuard.Run(() =>
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or StackExchange.Redis.RedisException
            || ClusterRetry.IsTransient(e))
        {
            throw new RunException($"cluster: {e.GetType().Name}: {FirstLine(e.Message)}");
        }
    });

    private static string FirstLine(string text) => text.Split('\n', 2)[0];
}
