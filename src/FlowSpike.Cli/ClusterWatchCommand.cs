using System.CommandLine;
using FlowSpike.Cluster.Hosting;
using FlowSpike.Jobs;

namespace FlowSpike.Cli;

/// <summary>`flowspike cluster watch --queue`: queue mode on the cluster, every silo consuming the queue.</summary>
internal static class ClusterWatchCommand
{
    public static Command Build()
    {
        var flags = new JobFlags(range: false);
        var detection = new DetectFlags();
        var queue = new QueueFlags();
        var connection = new ClusterConnectionFlags();
        var shards = ClusterCommand.ShardsOption();
        flags.Input.Required = false;
        var lateness = CliOptions.Duration("--lateness",
            "How long after a window's end to wait for late objects before closing it.",
            Queue.QueueRequest.DefaultLatenessSeconds);
        var from = CliOptions.Time("--from",
            "First window when the state has no committed window yet (otherwise watch continues after it).");
        from.Required = false;
        var clock = new Option<string?>("--clock")
        {
            Description = "A file holding the current time (epoch seconds or ISO 8601), read at every look, instead " +
                "of the machine's clock: for replays and tests.",
            HelpName = "FILE",
        };
        var once = new Option<bool>("--once")
        {
            Description = "Drain the queue, close what the clock allows, and exit.",
        };
        var cmd = new Command("watch", "watch --queue, run on the cluster: every silo receives from the queue, each " +
            "object is counted once for the cluster, and each window closes once.");
        flags.AddTo(cmd);
        detection.AddTo(cmd);
        queue.AddTo(cmd);
        connection.AddTo(cmd);
        foreach (var o in new Option[] { shards, lateness, from, clock, once })
            cmd.Options.Add(o);
        cmd.SetAction(r => ClusterCommand.Run(() =>
        {
            var settings = queue.Bind(r, detection.Bind(r, flags.Bind(r))) with
            {
                LatenessSeconds = Given.Seconds(r, lateness),
                From = Given.Val(r, from),
                Clock = Given.Ref(r, clock),
                Once = Given.Val(r, once),
            };
            if (settings.Queue is null)
                throw new RunException($"{Setting.Name(nameof(JobSettings.Queue))} is required: the cluster watches " +
                    "an SQS queue of S3 notifications");
            var job = WatchJob.Resolve(settings, flags.LoadConfig(r), onCluster: true);
            var request = job.Queue!;
            Cluster.ClusterCoordinator.CheckWatch(job.Input, job.Request, request);
            var log = flags.Log(r);
            using var stop = new CancellationTokenSource();
            using var signals = new StopSignals(stop);
            using var dispatcher = job.CreateDispatcher(log);
            using var host = FlowSpikeSilo.ConnectAsync(connection.Parse(r), log: log).GetAwaiter().GetResult();
            var coordinator = ClusterCommand.Coordinator(host, job.State, log, r.GetValue(shards), job.Entity);
            coordinator.WatchAsync(job.Input, job.Request, request, dispatcher, stop.Token).GetAwaiter().GetResult();
            host.StopAsync().GetAwaiter().GetResult();
            return 0;
        }));
        return cmd;
    }
}
