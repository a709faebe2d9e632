using System.CommandLine;
using FlowSpike.Cluster.Hosting;
using FlowSpike.Jobs;

namespace FlowSpike.Cli;

/// <summary>`flowspike cluster detect`: the detect command, run on the cluster.</summary>
internal static class ClusterDetectCommand
{
    public static Command Build()
    {
        var flags = new JobFlags();
        var detection = new DetectFlags();
        var connection = new ClusterConnectionFlags();
        var shards = ClusterCommand.ShardsOption();
        var allowSpanMismatch = DetectCommand.AllowSpanMismatch();
        var cmd = new Command("detect",
            "The detect command, run on the cluster: closes each window in order and writes the same alerts.");
        flags.AddTo(cmd);
        detection.AddTo(cmd);
        connection.AddTo(cmd);
        cmd.Options.Add(shards);
        cmd.Options.Add(allowSpanMismatch);
        cmd.SetAction(r => ClusterCommand.Run(() =>
        {
            var settings = detection.Bind(r, flags.Bind(r)) with
            {
                AllowSpanMismatch = Given.Val(r, allowSpanMismatch),
            };
            var job = DetectJob.Resolve(settings, flags.LoadConfig(r), onCluster: true);
            var log = flags.Log(r);
            if (settings.HistoryRetentionSeconds is not null)
            {
                log.Warn("--history-retention: the cluster keeps no per-host history yet " +
                    "(explain and report read a local state)");
            }
            using var dispatcher = job.CreateDispatcher(log);
            using var host = FlowSpikeSilo.ConnectAsync(connection.Parse(r), log: log).GetAwaiter().GetResult();
            var coordinator = ClusterCommand.Coordinator(host, job.State, log, r.GetValue(shards), job.Entity);
            var result = coordinator.DetectAsync(job, dispatcher).GetAwaiter().GetResult();
            host.StopAsync().GetAwaiter().GetResult();
            return DetectCommand.Summary(log, result.WindowsClosed, result.Alerts, result.Held, dispatcher);
        }));
        return cmd;
    }
}
