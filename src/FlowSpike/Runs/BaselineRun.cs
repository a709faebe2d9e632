using FlowSpike.Aggregation;
using FlowSpike.Baseline;
using FlowSpike.Records;
using FlowSpike.State;

namespace FlowSpike.Runs;

/// <summary>The support search as a run: scan [from, to) in buckets, build the baseline, replace the state's lookup.</summary>
public static class BaselineRun
{
    public sealed record Result(int Hosts, long Buckets, ScanDiagnostics Diagnostics);

    public static Result Execute(IStateStore store, InputOptions input, long from, long to, long spanSeconds, IRunLog log)
    {
        TimeRange.Validate(from, to, spanSeconds, "--span");
        var files = InputSet.Expand(input.Inputs, from, to, input.S3);
        var scan = FlowScanner.Scan(files, input.Scan(from, to, spanSeconds, keepDetails: false));
        RunReport.Scan(scan.Diagnostics, log);
        var rows = BaselineBuilder.Build(scan.Partial);
        store.ReplaceBaseline(rows.Values, from, to, spanSeconds);
        long buckets = scan.Partial.Windows.Values.Sum(w => (long)w.Count);
        log.Info($"baseline: {rows.Count} hosts from {buckets} host-buckets in {TimeRange.Format(from)} .. {TimeRange.Format(to)}; committed mark set to {TimeRange.Format(to)}");
        return new Result(rows.Count, buckets, scan.Diagnostics);
    }
}
