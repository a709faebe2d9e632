using System.Globalization;
using FlowSpike.Alerts;
using FlowSpike.Time;

namespace FlowSpike.Runs;

/// <summary>
/// Scores alerts against labelled spikes (the models run as jobs: <see cref="Jobs.EvaluateJob"/>): precision,
/// recall, F1, alerts per 1,000 host-hours, and detection delay.
/// </summary>
internal static class Evaluation
{
    /// <summary>A labelled spike; <paramref name="Account"/> (optional) tells apart the same address in two
    /// accounts.</summary>
    public sealed record Label(string SrcIp, long WindowStart, long WindowEnd, string? Account = null)
    {
        /// <summary>The zoo's label columns (null in other label files): host behaviour, spike size, oracle
        /// tail.</summary>
        public string? Behaviour { get; init; }
        public string? Size { get; init; }
        public double? OracleTail { get; init; }
    }

    public sealed record Row(string Model, int Alerts, int TruePositives, int FalsePositives, int Missed,
        double Precision, double Recall, double F1, double AlertsPer1000HostHours, double MeanDelayWindows);

    public static List<Label> ReadLabels(string path)
    {
        var labels = new List<Label>();
        var lines = File.ReadAllLines(path);
        var header = lines.Length == 0 ? [] : lines[0].Split(',');
        int accountAt = Array.IndexOf(header, "account");
        int behaviourAt = Array.IndexOf(header, "behaviour"), sizeAt = Array.IndexOf(header, "size");
        int oracleAt = Array.IndexOf(header, "oracle_tail");
        foreach (string line in lines.Skip(1))
        {
            var f = line.Split(',');
            if (f.Length < 3 || !TimeRange.TryParseTime(f[1], out long start)
                || !TimeRange.TryParseTime(f[2], out long end))
                throw new RunException($"{path}: bad label line '{line}' (expected " +
                    $"src_ip,window_start,window_end,...)");
            string? Column(int at) => at >= 0 && at < f.Length && f[at].Length > 0 ? f[at] : null;
            double? oracle = null;
            if (Column(oracleAt) is { } o)
            {
                if (!double.TryParse(o, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                    throw new RunException($"{path}: bad oracle_tail '{o}' in line '{line}'");
                oracle = v;
            }
            labels.Add(new Label(f[0], start, end, Column(accountAt))
            {
                Behaviour = Column(behaviourAt),
                Size = Column(sizeAt),
                OracleTail = oracle
            });
        }
        return labels;
    }

    public static Row Score(string model, IReadOnlyList<Alert> alerts, IReadOnlyList<Label> labels, double hostWindows,
        long window)
    {
        // An alert is true when it names a labelled host in a window overlapping the labelled spike; an alert keyed by
        // account must also name the labelled account (one keyed by address alone cannot tell them apart).
        bool Matches(Alert a, Label l) =>
            a.SrcIp == l.SrcIp && a.WindowStart < l.WindowEnd && a.WindowEnd > l.WindowStart
            && (l.Account is null || a.Entity is null
                || a.Entity.StartsWith(l.Account + "/", StringComparison.Ordinal));
        int tp = alerts.Count(a => labels.Any(l => Matches(a, l)));
        var found = labels.Where(l => alerts.Any(a => Matches(a, l))).ToList();
        double precision = alerts.Count == 0 ? 0 : tp / (double)alerts.Count;
        double recall = labels.Count == 0 ? 0 : found.Count / (double)labels.Count;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        double delay = found.Count == 0 ? double.NaN : found.Average(l =>
            (alerts.Where(a => Matches(a, l)).Min(a => a.WindowStart) - Math.Max(l.WindowStart, 0)) / (double)window);
        return new Row(model, alerts.Count, tp, alerts.Count - tp, labels.Count - found.Count, precision, recall, f1,
            hostWindows <= 0 ? 0 : alerts.Count * 1000.0 / hostWindows, Math.Max(0, delay));
    }

    /// <summary>
    /// The default ranges of an evaluation: the baseline from the data's first window to the UTC day of the first
    /// labelled spike, detection from there to the end of the data's last window.
    /// </summary>
    public static (long BaselineFrom, long BaselineTo, long To) InferRange(InputOptions input,
        IReadOnlyList<Label> labels, long window)
    {
        var files = Records.InputSet.Expand(input.Inputs, long.MinValue, long.MaxValue, input.S3,
            logs: input.Logs);
        // Windows counted from 2000-01-01 keep the window index within 32 bits for any hourly or coarser data.
        const long Epoch2000 = 946_684_800;
        var scan = Aggregation.FlowScanner.Scan(files,
            input.Scan(Epoch2000, Epoch2000 + window * (uint.MaxValue - 1L), window, keepDetails: false));
        if (scan.Partial.Windows.Count == 0)
            throw new RunException($"evaluate: no blocked outbound records in the input; give " +
                $"{Setting.Name(nameof(JobSettings.BaselineFrom))}, {Setting.Name(nameof(JobSettings.BaselineTo))} " +
                    $"and {Setting.Name(nameof(JobSettings.To))}");
        long first = scan.Partial.Windows.Keys.Min(), last = scan.Partial.Windows.Keys.Max() + window;
        if (labels.Count == 0)
            throw new RunException($"evaluate: no labelled spikes; give " +
                $"{Setting.Name(nameof(JobSettings.BaselineTo))}");
        long firstSpike = labels.Min(l => l.WindowStart);
        long day = firstSpike - (((firstSpike % 86400) + 86400) % 86400);
        if (day <= first)
            throw new RunException($"evaluate: the first labelled spike ({TimeRange.Format(firstSpike)}) leaves no " +
                $"baseline before it; give {Setting.Name(nameof(JobSettings.BaselineTo))}");
        return (first, day, last);
    }

    public static string Markdown(IReadOnlyList<Row> rows)
    {
        var sb = new System.Text.StringBuilder("| model | alerts | true | false | missed | precision | recall | F1 | " +
            "alerts per 1,000 host-hours | delay (windows) |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- " +
            "| --- |\n");
        foreach (var r in rows)
        {
            string delay = double.IsNaN(r.MeanDelayWindows)
                ? "n/a"
                : r.MeanDelayWindows.ToString("F1", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture,
                $"| {r.Model} | {r.Alerts} | {r.TruePositives} | {r.FalsePositives} | {r.Missed} | {r.Precision:F2} " +
                $"| {r.Recall:F2} | {r.F1:F2} | {r.AlertsPer1000HostHours:F2} | {delay} |\n");
        }
        return sb.ToString();
    }
}
