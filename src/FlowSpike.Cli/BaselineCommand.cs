using System.CommandLine;
using FlowSpike.Aggregation;
using FlowSpike.Jobs;

namespace FlowSpike.Cli;

/// <summary>`flowspike baseline`: the ESCU support search, replacing the state's lookup.</summary>
internal static class BaselineCommand
{
    public static Option<CliDuration> Span() =>
        CliOptions.Duration("--span", "Bucket size (epoch-aligned).", JobDefaults.SpanSeconds);

    public static Option<bool> AllowEmpty() => new("--allow-empty-baseline")
    {
        Description = "Commit an empty baseline when no record in the range is blocked outbound from an internal " +
            "host. Without it such a run fails (most often a wrong --internal or --log-format).",
    };

    public static Command Build()
    {
        var flags = new JobFlags();
        var span = Span();
        var allowEmpty = AllowEmpty();
        var cmd = new Command("baseline",
            "Build the per-host baseline from history (Splunk's support search) and replace the state's lookup.");
        flags.AddTo(cmd);
        cmd.Options.Add(span);
        cmd.Options.Add(allowEmpty);
        cmd.SetAction(r => CliGuard.Run(() =>
        {
            var job = BaselineJob.Resolve(flags.Bind(r) with
            {
                SpanSeconds = Given.Seconds(r, span),
                AllowEmptyBaseline = Given.Val(r, allowEmpty),
            }, flags.LoadConfig(r));
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
