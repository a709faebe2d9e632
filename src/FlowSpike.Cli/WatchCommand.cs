using System.CommandLine;
using FlowSpike.Jobs;
using FlowSpike.Watch;

namespace FlowSpike.Cli;

/// <summary>`flowspike watch`: follows the inputs, counting each new file once and closing windows after
/// lateness.</summary>
internal static class WatchCommand
{
    public static Command Build()
    {
        var flags = new JobFlags(range: false);
        var detection = new DetectFlags();
        var queue = new QueueFlags();
        // With --queue the inputs are optional (what --backfill-from lists); the library asks for them otherwise.
        flags.Input.Required = false;
        var lateness = CliOptions.Duration("--lateness",
            "How long after a window's end to wait for late files before closing it (20m with --queue).",
            JobDefaults.LatenessSeconds);
        var poll = CliOptions.Duration("--poll-interval", "How often to look for new files.",
            JobDefaults.PollIntervalSeconds);
        var staleAfter = CliOptions.Duration("--stale-after",
            "/healthz reports degraded when no flow-log record has arrived for this long (0: never).",
            JobDefaults.StaleAfterSeconds);
        var from = CliOptions.Time("--from",
            "First window when the state has no committed window yet (otherwise watch continues after it).");
        from.Required = false;
        var clock = new Option<string?>("--clock")
        {
            Description = "A file holding the current time (epoch seconds or ISO 8601), read at every poll, instead " +
                "of the data's own time: for replays and tests.",
            HelpName = "FILE",
        };
        var once = new Option<bool>("--once")
        {
            Description = "Process the files present, close what can be closed, " +
            "and exit."
        };
        var listen = new Option<string>("--listen")
        {
            Description = "Address for /healthz and /metrics (none to disable).",
            DefaultValueFactory = _ => "127.0.0.1:9464",
            HelpName = "HOST:PORT",
        };
        var otlp = new Option<string?>("--otlp-endpoint")
        {
            Description = "Also push metrics over OTLP/HTTP to this collector (default: OTEL_EXPORTER_OTLP_ENDPOINT).",
            HelpName = "URL",
        };
        var cmd = new Command("watch", "Run continuously: count new files exactly once as they arrive and close " +
            "each window after its lateness, as detect would.");
        flags.AddTo(cmd);
        detection.AddTo(cmd);
        queue.AddTo(cmd);
        foreach (var o in new Option[] { lateness, poll, staleAfter, from, clock, once, listen, otlp })
            cmd.Options.Add(o);
        cmd.SetAction(r => CliGuard.Run(() =>
        {
            var settings = queue.Bind(r, detection.Bind(r, flags.Bind(r))) with
            {
                LatenessSeconds = Given.Seconds(r, lateness),
                PollIntervalSeconds = Given.Seconds(r, poll),
                StaleAfterSeconds = Given.Seconds(r, staleAfter),
                From = Given.Val(r, from),
                Clock = Given.Ref(r, clock),
                Once = Given.Val(r, once),
            };
            var job = WatchJob.Resolve(settings, flags.LoadConfig(r));
            var log = flags.Log(r);
            using var stop = new CancellationTokenSource();
            // SIGTERM and Ctrl-C stop after the current commit; every commit is atomic anyway.
            using var signals = new StopSignals(stop);
            using var metrics = new WatchMetrics();
            if (MetricsEndpoint.Exposure(r.GetValue(listen)!) is { } exposed)
                log.Warn(exposed);
            using var server = MetricsEndpoint.Start(r.GetValue(listen), r.GetValue(otlp), metrics.Health);
            // A daemon started before its baseline waits for it (and says so) instead of exiting and restarting.
            using var store = job.OpenWhenBaselined(log, metrics, stop.Token);
            if (store is null)
                return 0;
            using var dispatcher = job.CreateDispatcher(log);
            int held = job.Run(store, dispatcher, log, metrics, stop.Token);
            // --once is a scheduled job: held alerts fail it (exit 3), as detect does, so the scheduler sees them.
            if (!job.Request.Once || held == 0)
                return 0;
            log.Warn($"{held} alert delivery(ies) held in the state for a sink that is down or rejected them; " +
                "they are sent by the next run");
            return DetectCommand.ExitHeld;
        }));
        return cmd;
    }
}
