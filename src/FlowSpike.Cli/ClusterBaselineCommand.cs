using System.CommandLine;
using FlowSpike.Cluster.Hosting;
using FlowSpike.Jobs;

namespace FlowSpike.Cli;

/// <summary>`flowspike cluster baseline`: the baseline command, run on the cluster.</summary>
internal static class ClusterBaselineCommand
{
    public static Command Build()
    {
        var flags = new JobFlags();
        var connection = new ClusterConnectionFlags();
        var span = BaselineCommand.Span();
        var shards = ClusterCommand.ShardsOption();
        var allowEmpty = BaselineCommand.AllowEmpty();
        var cmd = new Command("baseline",
            "The baseline command, run on the cluster: replaces the cluster state's lookup.");
        flags.AddTo(cmd);
        connection.AddTo(cmd);
        cmd.Options.Add(span);
        cmd.Options.Add(shards);
        cmd.Options.Add(allowEmpty);
        cmd.SetAction(r => ClusterCommand.Run(() =>
        {
            var job = BaselineJob.Resolve(flags.Bind(r) with
            {
                SpanSeconds = Given.Seconds(r, span),
                AllowEmptyBaseline = Given.Val(r, allowEmpty),
            }, flags.LoadConfig(r), onCluster: true);
            var log = flags.Log(r);
            using var host = FlowSpikeSilo.ConnectAsync(connection.Parse(r), log: log).GetAwaiter().GetResult();
            var coordinator = ClusterCommand.Coordinator(host, job.State, log, r.GetValue(shards), job.Entity);
            coordinator.BaselineAsync(job).GetAwaiter().GetResult();
            host.StopAsync().GetAwaiter().GetResult();
            return 0;
        }));
        return cmd;
    }
}
