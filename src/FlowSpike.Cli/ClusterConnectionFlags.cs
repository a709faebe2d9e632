using System.CommandLine;
using FlowSpike.Cluster;
using FlowSpike.Cluster.Hosting;

namespace FlowSpike.Cli;

/// <summary>Where a cluster command finds the cluster: --clustering and --cluster-id.</summary>
internal sealed class ClusterConnectionFlags
{
    public Option<string> Clustering { get; } = new("--clustering")
    {
        Description = "Where membership and grain " +
        "state live: redis://HOST:PORT.",
        Required = true,
        HelpName = "URI"
    };
    public Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = "The cluster to join.",
        DefaultValueFactory = _ => ClusterNames.DefaultClusterId,
        HelpName = "ID"
    };

    public void AddTo(Command c)
    {
        c.Options.Add(Clustering);
        c.Options.Add(ClusterId);
    }

    public ClusterConnection Parse(ParseResult r) => ClusterConnection.Parse(r.GetValue(Clustering)!,
        r.GetValue(ClusterId)!);
}
