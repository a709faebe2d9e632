using System.CommandLine;
using System.Globalization;
using FlowSpike.Reports;
using FlowSpike.State;
using FlowSpike.Time;

namespace FlowSpike.Cli;

/// <summary>`flowspike explain`: one host's story in the terminal.</summary>
internal static class ExplainCommand
{
    public static Command Build()
    {
        var state = CliOptions.State();
        var src = new Option<string>("--src")
        {
            Description = "The host to explain: its address, or its entity name with --entity.",
            Required = true,
            HelpName = "IP",
        };
        var days = new Option<int>("--days") { Description = "How far back to show.", DefaultValueFactory = _ => 14 };
        var width = new Option<int>("--width") { Description = "Columns of the chart.", DefaultValueFactory = _ => 96 };
        var cmd = new Command("explain",
            "Show a host's recent blocked outbound counts against its threshold, its alerts and top destinations.")
        {
            state, src, days, width,
        };
        cmd.SetAction(r => CliGuard.Run(() =>
        {
            string given = r.GetValue(src)!;
            using var store = SqliteStateStore.OpenReadOnly(r.GetValue(state)!);
            var (address, ip) = HostQuery.Resolve(store.Entities, given, "Src");
            if (ip != given)
                StderrLog.Result($"--src {given} is {ip}, the one host of this state with that address");
            long to = store.Info.CommittedUntil ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            long from = to - r.GetValue(days) * 86400L;
            var story = HostStory.Load(store, address, from, to);
            if (story.IsEmpty)
            {
                throw new RunException($"--src: '{ip}' is not a host this state has seen (no lookup row, history " +
                    $"or alert in the last {r.GetValue(days)} days)");
            }
            // Host names, destinations and interface ids come from the logs: no escape sequence reaches the terminal.
            Console.Write(TerminalText.Strip(Render(story, from, to, Math.Clamp(r.GetValue(width), 20, 400))));
            return 0;
        }));
        return cmd;
    }

    /// <summary>
    /// The terminal text of explain: counts folded into at most <paramref name="width"/> columns (the highest count of
    /// each).
    /// </summary>
    public static string Render(HostStory story, long from, long to, int width)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.Write(story.SrcIp);
        w.WriteLine(story.Lookup is { } l
            ? $": latestCount {Show(l.LatestCount)}, numDataPoints {Show(l.NumDataPoints)}, "
                + $"avg {Show(l.Avg)}, stdev {Show(l.Stdev)}"
            : ": not in the lookup");
        var counts = story.Counts(from, to);
        if (counts.Length == 0 || story.History.Count == 0)
        {
            w.WriteLine("no blocked outbound records in the history for this span");
        }
        else
        {
            int columns = Math.Min(width, counts.Length);
            var folded = new long[columns];
            var above = new bool[columns];
            var spikes = story.History.Where(h => h.Spike)
                .Select(h => (h.WindowStart - from) / story.WindowSeconds).ToHashSet();
            for (int i = 0; i < counts.Length; i++)
            {
                int c = (int)((long)i * columns / counts.Length);
                folded[c] = Math.Max(folded[c], counts[i]);
                above[c] |= spikes.Contains(i);
            }
            w.WriteLine($"{TimeRange.Format(from)} .. {TimeRange.Format(to)}, {counts.Length} windows of "
                + $"{story.WindowSeconds / 60} min, highest {counts.Max()}; ^ marks windows above the threshold");
            w.WriteLine(Sparkline.Render(folded));
            w.WriteLine(Sparkline.Markers(above));
        }
        w.WriteLine($"alerts: {story.Alerts.Count}");
        foreach (var a in story.Alerts.TakeLast(10))
        {
            w.WriteLine($"  {TimeRange.Format(a.WindowStart)}  {a.BlockedConnections,6} blocked  "
                + $"threshold {a.Threshold,8:F2}  {a.UniqueDestConnections} destination(s)");
            if (a.Evidence is { } evidence)
                w.WriteLine("    " + EvidenceText.Line(evidence));
        }
        if (story.TopDestinations.Count > 0)
        {
            // Each destination with the number of this host's alerts that blocked it, said in words.
            w.WriteLine("top blocked destinations: " + string.Join(", ",
                story.TopDestinations.Select(d => $"{d.Value} in {d.Alerts} alert{(d.Alerts == 1 ? "" : "s")}")));
        }
        if (story.TopInterfaces.Count > 0)
            w.WriteLine("interfaces: " + string.Join(", ", story.TopInterfaces.Select(d => d.Value)));
        return w.ToString();
    }

    private static string Show(long? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "null";

    private static string Show(double? v) => v?.ToString("F2", CultureInfo.InvariantCulture) ?? "null";
}
