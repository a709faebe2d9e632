using System.CommandLine;
using FlowSpike.Aggregation;
using FlowSpike.Jobs;

namespace FlowSpike.Cli;

/// <summary>`flowspike baseline`: the ESCU support search, replacing the state's lookup.</summary>
internal static class BaselineCommand
{
    public static Option<CliDuration> Span() =>
        CliOptions.Duration("--span", "Bucket size (epoch-aligned).", JobDefaults.SpanSeconds);

    public static Command Build()
    {
        var flags = new JobFlags();
        var span = Span();
        var cmd = new Command("baseline",
            "Build the per-host baseline from history (Splunk's support search) and replace the state's lookup.");
        flags.AddTo(cmd);
        cmd.Options.Add(span);
        cmd.SetAction(r => CliGuard.Run(() =>
        {
            var job = BaselineOptions.Resolve(flags.Bind(r) with { SpanSeconds = Given.Seconds(r, span) },
                flags.LoadConfig(r));
            job = job with { Input = job.Input with { Progress = new ScanProgress() } };
            var log = flags.Log(r);
            using var store = job.OpenState();
            using (ProgressLine.Start(job.Input.Progress!, r.GetValue(flags.Quiet)))
                job.Run(store, log);
            return 0;
        }));
        return cmd;
    }
}
