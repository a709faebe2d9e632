using System.CommandLine;
using FlowSpike.Aggregation;
using FlowSpike.Delivery;
using FlowSpike.Jobs;
using FlowSpike.Runs;

namespace FlowSpike.Cli;

/// <summary>`flowspike detect`: the ESCU search window by window over a range, updating the baseline.</summary>
internal static class DetectCommand
{
    /// <summary>Exit code of a detect whose windows committed but some of whose alerts a sink has not taken
    /// yet.</summary>
    public const int ExitHeld = 3;

    public static Option<bool> AllowSpanMismatch() => new("--allow-span-mismatch")
    {
        Description = "Detect with a --window other than the baseline's --span (the ESCU search allows it; " +
            "refused by default).",
    };

    public static Command Build()
    {
        var flags = new JobFlags();
        var detection = new DetectFlags();
        var allowSpanMismatch = AllowSpanMismatch();
        var cmd = new Command("detect",
            "Run the spike detection window by window, updating the baseline, and emit alerts.");
        flags.AddTo(cmd);
        detection.AddTo(cmd);
        cmd.Options.Add(allowSpanMismatch);
        cmd.SetAction(r => CliGuard.Run(() =>
        {
            // Everything the user typed is checked before the state is opened.
            var settings = detection.Bind(r, flags.Bind(r)) with
            {
                AllowSpanMismatch = Given.Val(r, allowSpanMismatch),
            };
            var job = DetectJob.Resolve(settings, flags.LoadConfig(r));
            job = job with { Input = job.Input with { Progress = new ScanProgress() } };
            var log = flags.Log(r);
            using var store = job.OpenState();
            using var dispatcher = job.CreateDispatcher(log);
            DetectRun.Result result;
            using (ProgressLine.Start(job.Input.Progress!, r.GetValue(flags.Quiet)))
                result = job.Run(store, dispatcher, log);
            return Summary(log, result.WindowsClosed, result.Alerts, result.Held, dispatcher);
        }));
        return cmd;
    }

    /// <summary>
    /// The closing lines of a detect: what each sink received, and what is still held. Held alerts make the exit
    /// code 3, so a scheduler sees that delivery is behind although every window committed.
    /// </summary>
    public static int Summary(IRunLog log, int windows, int alerts, int held, AlertDispatcher dispatcher)
    {
        if (windows > 0)
            log.Info($"{alerts} alert(s) over {windows} window(s)");
        foreach (var (sink, n) in dispatcher.Delivered)
        {
            if (n > 0 && sink != "stdout")
                log.Info($"{n} alert(s) written to {sink}");
        }
        if (held == 0)
            return 0;
        log.Warn($"{held} alert delivery(ies) held in the state for a sink that is down or rejected them; " +
            "they are sent by the next run");
        return ExitHeld;
    }
}
