using FlowSpike.Aggregation;
using FlowSpike.Detection;
using FlowSpike.Models;
using FlowSpike.Records;
using FlowSpike.State;
using FlowSpike.Time;

namespace FlowSpike.Runs;

/// <summary>The support search as a run: scan [from, to) in buckets, build the baseline, replace the state's
/// lookup.</summary>
internal static class BaselineRun
{
    public sealed record Result(int Hosts, long Buckets, ScanDiagnostics Diagnostics);

    public const long MaxHistoryBuckets = 2_000_000;

    public static Result Execute(IStateStore store, InputOptions input, long from, long to, long spanSeconds,
        IRunLog log, string model = SplunkModel.ModelName, RecommendedSettings? rules = null, bool allowEmpty = false)
    {
        RangeCheck.Validate(from, to, spanSeconds, "SpanSeconds");
        RangeCheck.RefuseFuture(to);
        var files = InputSet.Expand(input.Inputs, from, to, input.S3, log.Warn, input.Logs);
        InputCheck.RequireFiles(files, input);
        var scan = FlowScanner.Scan(files,
            input.Scan(from, to, spanSeconds, keepDetails: false, entities: store.Entities));
        InputCheck.RequireRecords(files, scan.Diagnostics, input);
        RunReport.Scan(scan.Diagnostics, log);
        var sorted = SortedBuckets.Of(scan.Partial);
        var rows = BaselineReplay.Sorted(model, scan.Partial, sorted, from, to, rules);
        // A baseline of nothing over a range with no data is a wrong range or input; over a lookup it would wipe it.
        // Over records none of which is selected, it is most often a wrong --internal or --log-format, so it is
        // committed only when asked for.
        if (rows.Length == 0)
        {
            long inRange = scan.Diagnostics.RecordsByWindow.Values.Sum();
            int existing = store.LoadLookup().Count;
            string read = $"{scan.Diagnostics.Parsed} flow-log record(s) read, {inRange} in the range";
            string what = NoneSelected(from, to, read);
            if (inRange == 0 || existing > 0)
            {
                string wipe = existing > 0
                    ? $"; replacing the lookup of {existing} host(s) with nothing is refused"
                    : "";
                throw new RunException(what + wipe + "; the lookup is unchanged");
            }
            if (!allowEmpty)
            {
                throw new RunException(NothingSelected(from, to, read));
            }
            log.Warn(what + "; the baseline is empty");
        }
        long buckets = sorted.Length;
        // The buckets also start each host's history (explain and report chart them), unless there are too many to
        // keep. The rows are made as the store writes them, not held as a list.
        IEnumerable<HistoryRow>? history = null;
        if (buckets <= MaxHistoryBuckets)
            history = HistoryOf(sorted);
        else
        {
            log.Info($"{buckets} host-buckets are more than the {MaxHistoryBuckets} kept as history; history starts " +
                $"with detection");
        }
        store.ReplaceBaseline(rows, from, to, spanSeconds, history);
        log.Info($"baseline: {rows.Length} hosts from {buckets} host-buckets in {TimeRange.Format(from)} .. " +
            $"{TimeRange.Format(to)}; committed mark set to {TimeRange.Format(to)}");
        return new Result(rows.Length, buckets, scan.Diagnostics);
    }

    /// <summary>
    /// The refusal of a baseline whose records hold no blocked outbound connection from an internal host (unless
    /// AllowEmptyBaseline): most often a wrong --internal or --log-format.
    /// </summary>
    public static string NothingSelected(long from, long to, string read) =>
        $"{NoneSelected(from, to, read)}; nothing was committed. Check " +
            $"{Setting.Name(nameof(JobSettings.Internal))} and " +
        $"{Setting.Name(nameof(JobSettings.LogFormat))}, or give " +
            $"{Setting.Name(nameof(JobSettings.AllowEmptyBaseline))} if these hosts really blocked " +
        "nothing";

    private static string NoneSelected(long from, long to, string read) =>
        $"no blocked outbound records from internal hosts in {TimeRange.Format(from)} .. {TimeRange.Format(to)} " +
        $"({read})";

    /// <summary>The buckets as history rows, in the history table's key order (source, then bucket).</summary>
    private static IEnumerable<HistoryRow> HistoryOf(SortedBuckets buckets)
    {
        for (int i = 0; i < buckets.Length; i++)
        {
            yield return new HistoryRow(buckets.WindowStart(i), buckets.Source(i), buckets.Counts[i], null, null, null,
                null, false, null, false);
        }
    }
}
