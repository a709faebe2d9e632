using System.CommandLine;
using System.Globalization;
using FlowSpike.Alerts;
using FlowSpike.Delivery;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Synth;

namespace FlowSpike.Cli;

/// <summary>
/// `flowspike demo`: the main job end to end on synthetic data. Ten days of flow logs for 40 hosts with noise and
/// injected spikes; a baseline over the first seven days; hourly detection over the last three.
/// </summary>
internal static class DemoCommand
{
    public static Command Build()
    {
        var dir = new Option<string>("--dir") { Description = "Working folder for the data, state and alerts (recreated).", DefaultValueFactory = _ => "demo-out", HelpName = "DIR" };
        var cmd = new Command("demo", "Generate a week and a half of flow logs with injected spikes, build the baseline, detect, and show the alerts.") { dir };
        cmd.SetAction(r => Commands.Guard(() => Run(r.GetValue(dir)!)));
        return cmd;
    }

    private static int Run(string dir)
    {
        var log = new StderrLog(quiet: false);
        if (Directory.Exists(dir))
            Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        var options = new SynthOptions();
        string data = Path.Combine(dir, "flowlogs");
        log.Info($"generating {options.Days} days of flow logs for {options.Hosts} hosts into {data}");
        var synth = SynthCommand.Generate(options, data);
        log.Info($"{synth.Files} files, {synth.Records} records ({synth.UncompressedBytes / 1e6:F1} MB uncompressed), {synth.Spikes.Count} injected spikes");

        long start = options.Start.ToUnixTimeSeconds();
        long baselineEnd = start + options.SpikeFromDay * 86400L;
        long end = start + options.Days * 86400L;
        var input = new InputOptions { Inputs = [Path.Combine(data, "AWSLogs")] };
        string statePath = Path.Combine(dir, "flowspike.db");
        string alertsPath = Path.Combine(dir, "alerts.jsonl");
        using (var store = SqliteStateStore.Open(statePath))
        {
            log.Info($"$ flowspike baseline --input {input.Inputs[0]} --from {TimeRange.Format(start)} --to {TimeRange.Format(baselineEnd)} --state {statePath}");
            BaselineRun.Execute(store, input, start, baselineEnd, 3600, log);
            log.Info($"$ flowspike detect --input {input.Inputs[0]} --from {TimeRange.Format(baselineEnd)} --to {TimeRange.Format(end)} --state {statePath} --out {alertsPath}");
            using var sink = new FileAlertSink(alertsPath);
            DetectRun.Execute(store, input, new DetectRequest { From = baselineEnd, To = end }, sink, log);
        }

        var alerts = File.ReadAllLines(alertsPath).Select(AlertJson.Parse).ToList();
        var injected = synth.Spikes.ToDictionary(s => (s.SrcIp, s.WindowStart.ToUnixTimeSeconds()), s => s);
        Console.WriteLine();
        Console.WriteLine($"{"window (UTC)",-20} {"src_ip",-15} {"blocked",7} {"avg",7} {"threshold",9} {"dests",5}  injected?");
        int found = 0;
        foreach (var a in alerts)
        {
            bool isInjected = injected.ContainsKey((a.SrcIp, a.WindowStart));
            found += isInjected ? 1 : 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{AlertJson.IsoTime(a.WindowStart)[..16],-20} {a.SrcIp,-15} {a.BlockedConnections,7} {a.AvgBlockedConnections,7:F2} {a.Threshold,9:F2} {a.UniqueDestConnections,5}  {(isInjected ? "yes" : "-")}"));
        }
        Console.WriteLine();
        Console.WriteLine($"{alerts.Count} alert(s); {found} of {synth.Spikes.Count} injected spikes found; {alerts.Count - found} other alert(s).");
        string reportPath = Path.Combine(dir, "report.html");
        using (var store = SqliteStateStore.Open(statePath))
            File.WriteAllText(reportPath, Reports.HtmlReport.Render(store));
        Console.WriteLine($"Alerts (JSON Lines): {alertsPath}   State: {statePath}   Report: {reportPath}");
        if (alerts.Count > 0)
            Console.WriteLine($"Explain a host: ./flowspike explain --state {statePath} --src {alerts[0].SrcIp}");

        // The same data through the recommended model, with its defaults as the CLI sets them.
        string recommendedState = Path.Combine(dir, "recommended.db"), recommendedAlerts = Path.Combine(dir, "recommended.jsonl");
        const string Recommended = Baseline.RecommendedModel.ModelName;
        var recommendedInput = input.ForModel(Recommended);
        using (var store = SqliteStateStore.Open(recommendedState, Recommended))
        {
            BaselineRun.Execute(store, recommendedInput, start, baselineEnd, 3600, NullRunLog.Instance, Recommended);
            using var sink = new FileAlertSink(recommendedAlerts);
            DetectRun.Execute(store, recommendedInput, new DetectRequest { From = baselineEnd, To = end, Policy = new AlertPolicy { Model = Recommended, Rollout = new RolloutAwareness(Baseline.SpikeModels.DefaultRolloutShare(Recommended)!.Value) } }, sink, NullRunLog.Instance);
        }
        var better = File.ReadAllLines(recommendedAlerts).Select(AlertJson.Parse).ToList();
        int betterFound = better.Count(a => injected.ContainsKey((a.SrcIp, a.WindowStart)));
        Console.WriteLine();
        Console.WriteLine($"With --model recommended (docs/models.md): {better.Count} alert(s); {betterFound} of {synth.Spikes.Count} injected spikes found; {better.Count - betterFound} other alert(s). Alerts: {recommendedAlerts}");
        return 0;
    }
}
