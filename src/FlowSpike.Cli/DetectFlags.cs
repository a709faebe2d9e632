using System.CommandLine;
using FlowSpike.Jobs;

namespace FlowSpike.Cli;

/// <summary>
/// The flags detect and watch share, local and on the cluster: the window, the ESCU search's thresholds, the
/// allowlists, suppression, rollout, history and the alert output. Bound to <see cref="JobSettings"/>.
/// </summary>
internal sealed class DetectFlags
{
    public Option<CliDuration> Window { get; } = CliOptions.Duration("--window",
        "Window size; each epoch-aligned window is one detection run.", JobDefaults.WindowSeconds);
    public Option<double> Deviation { get; } = new("--deviation-threshold")
    {
        Description = "Standard deviations above the mean (deviationThreshold).",
        DefaultValueFactory = _ => Models.SpikeSettings.Default.DeviationThreshold,
    };
    public Option<long> DataPoints { get; } = new("--data-point-threshold")
    {
        Description = "Data points a host needs before it is scored (dataPointThreshold).",
        DefaultValueFactory = _ => Models.SpikeSettings.Default.DataPointThreshold,
    };
    public Option<double> Weight { get; } = new("--weight")
    {
        Description = "Update weight W of the running mean and deviation (720 = 30 days of hours).",
        DefaultValueFactory = _ => Models.SpikeSettings.Default.Weight,
    };
    public Option<string[]> AllowSrc { get; } =
        CliOptions.Cidrs("--allow-src", "Suppress alerts from these sources (the baseline still learns).");
    public Option<string[]> AllowDest { get; } = CliOptions.Cidrs("--allow-dest",
        "Suppress alerts whose blocked destinations all lie in these networks.");
    public Option<string?> Output { get; } = new("--out", "-o")
    {
        Description = "Alert output file, appended; - is stdout (the default when the config names no sinks).",
        HelpName = "FILE",
    };
    public Option<string> Format { get; } = Choice("--format",
        "Alert format for --out: jsonl, ocsf (Detection Finding 2004), asff (Security Hub) or csv.",
        JobDefaults.OutputFormat, "jsonl", "ocsf", "asff", "csv");
    public Option<string?> Suppress { get; } = new("--suppress")
    {
        Description = "Throttle: after an alert, the same key stays quiet this long (the original rule: 4h per " +
            "src_ip). Default: off, as the ESCU search.",
        HelpName = "DURATION",
    };
    public Option<string> SuppressKey { get; } = Choice("--suppress-key",
        "What --suppress keys on: src_ip, or src_ip+resources.", JobDefaults.SuppressKey, "src_ip", "src_ip+resources");
    public Option<bool> RolloutGroup { get; } = new("--rollout-group")
    {
        Description = "Raise one alert per account for a likely policy change (listing its hosts in grouped_hosts) " +
            "instead of one per host.",
    };
    public Option<double?> RolloutShare { get; } = new("--rollout-share")
    {
        Description = "Annotate alerts as a likely policy change when at least 3 hosts and this share of an " +
            "account's active hosts spike together (default: off; 0.25 with --model recommended; 0 turns it off).",
        HelpName = "SHARE",
    };
    public Option<bool> AllowEmptyWindows { get; } = new("--allow-empty-windows")
    {
        Description = "Windows with no flow-log record at all are quiet, not missing data: commit (detect) " +
            "or close (watch) them. " +
            "Without it detect stops before such a window and fails naming it, and watch keeps it open.",
    };
    public Option<CliDuration> HistoryRetention { get; } = CliOptions.Duration("--history-retention",
        "How long to keep per-host history for explain and report (0 keeps none: faster commits for very large " +
        "windows).", JobDefaults.HistoryRetentionSeconds);

    private static Option<string> Choice(string name, string description, string fallback, params string[] values)
    {
        var o = new Option<string>(name) { Description = description, DefaultValueFactory = _ => fallback };
        o.AcceptOnlyFromAmong(values);
        return o;
    }

    public void AddTo(Command c)
    {
        Option[] all =
        [
            Window, Deviation, DataPoints, Weight, AllowSrc, AllowDest, Output, Format, Suppress, SuppressKey,
            RolloutShare, RolloutGroup, HistoryRetention, AllowEmptyWindows,
        ];
        foreach (var o in all)
            c.Options.Add(o);
    }

    public JobSettings Bind(ParseResult r, JobSettings s) => s with
    {
        WindowSeconds = Given.Seconds(r, Window),
        DeviationThreshold = Given.Val(r, Deviation),
        DataPointThreshold = Given.Val(r, DataPoints),
        Weight = Given.Val(r, Weight),
        AllowSrc = Given.Ref(r, AllowSrc),
        AllowDest = Given.Ref(r, AllowDest),
        Output = Given.Ref(r, Output),
        OutputFormat = Given.Ref(r, Format),
        Suppress = Given.Ref(r, Suppress),
        SuppressKey = Given.Ref(r, SuppressKey),
        RolloutShare = Given.Nullable(r, RolloutShare),
        RolloutGroup = Given.Val(r, RolloutGroup),
        HistoryRetentionSeconds = Given.Seconds(r, HistoryRetention),
        AllowEmptyWindows = Given.Val(r, AllowEmptyWindows),
    };
}
