using System.CommandLine;
using System.Globalization;
using FlowSpike.Alerts;
using FlowSpike.Jobs;
using FlowSpike.State;
using FlowSpike.Synth;
using FlowSpike.Time;

namespace FlowSpike.Cli;

/// <summary>
/// `flowspike demo`: the main job end to end on synthetic data. Ten days of flow logs for 40 hosts with noise and
/// injected spikes; a baseline over the first seven days; hourly detection over the last three.
/// </summary>
internal static class DemoCommand
{
    public static Command Build()
    {
        var dir = new Option<string>("--dir")
        {
            Description = "Working folder for the data, state and alerts: a new or empty folder, or an earlier " +
                "demo's (recreated).",
            DefaultValueFactory = _ => "demo-out",
            HelpName = "DIR"
        };
        var cmd = new Command("demo",
            "Generate a week and a half of flow logs with injected spikes, build the baseline, detect, and show the " +
                "alerts.") { dir };
        cmd.SetAction(r => CliGuard.Run(() => Run(r.GetValue(dir)!)));
        return cmd;
    }

    private static int Run(string dir)
    {
        var log = new StderrLog(quiet: false);
        Recreate(dir);
        var options = new SynthOptions();
        string data = Path.Combine(dir, "flowlogs");
        log.Info($"generating {options.Days} days of flow logs for {options.Hosts} hosts into {data}");
        var synth = SynthCommand.Generate(options, data);
        log.Info($"{synth.Files} files, {synth.Records} records ({synth.UncompressedBytes / 1e6:F1} MB " +
            $"uncompressed), {synth.Spikes.Count} injected spikes");

        long start = options.Start.ToUnixTimeSeconds();
        long baselineEnd = start + options.SpikeFromDay * 86400L;
        long end = start + options.Days * 86400L;
        string logs = Path.Combine(data, "AWSLogs");
        string statePath = Path.Combine(dir, "flowspike.db");
        string alertsPath = Path.Combine(dir, "alerts.jsonl");
        var demo = new JobSettings { Inputs = [logs] };
        RunModel(demo with { State = statePath, Output = alertsPath }, start, baselineEnd, end, log, announce: true);
        var alerts = File.ReadAllLines(alertsPath).Select(AlertJson.Parse).ToList();
        var injected = synth.Spikes.ToDictionary(s => (s.SrcIp, s.WindowStart.ToUnixTimeSeconds()), s => s);
        Console.WriteLine();
        Console.WriteLine($"{"window (UTC)",-20} {"src_ip",-15} {"blocked",7} {"avg",7} {"threshold",9} {"dests",5}  " +
            $"injected?");
        int found = 0;
        foreach (var a in alerts)
        {
            bool isInjected = injected.ContainsKey((a.SrcIp, a.WindowStart));
            found += isInjected ? 1 : 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{TimeRange.Format(a.WindowStart)[..16],-20} {a.SrcIp,-15} {a.BlockedConnections,7} " +
                    $"{a.AvgBlockedConnections,7:F2} {a.Threshold,9:F2} {a.UniqueDestConnections,5}  " +
                    $"{(isInjected ? "yes" : "-")}"));
        }
        Console.WriteLine();
        Console.WriteLine($"{alerts.Count} alert(s); {found} of {synth.Spikes.Count} injected spikes found; " +
            $"{alerts.Count - found} other alert(s).");
        string reportPath = Path.Combine(dir, "report.html");
        using (var store = SqliteStateStore.Open(statePath))
            File.WriteAllText(reportPath, Reports.HtmlReport.Render(store));
        Console.WriteLine($"Alerts (JSON Lines): {alertsPath}   State: {statePath}   Report: {reportPath}");
        if (alerts.Count > 0)
            Console.WriteLine($"Explain a host: ./flowspike explain --state {statePath} --src {alerts[0].SrcIp}");

        // The same data through the recommended model, with that model's defaults as every caller gets them.
        string recommendedState = Path.Combine(dir, "recommended.db");
        string recommendedAlerts = Path.Combine(dir, "recommended.jsonl");
        RunModel(demo with
        {
            Model = Models.RecommendedModel.ModelName,
            State = recommendedState,
            Output = recommendedAlerts
        }, start, baselineEnd, end, NullRunLog.Instance);
        var better = File.ReadAllLines(recommendedAlerts).Select(AlertJson.Parse).ToList();
        int betterFound = better.Count(a => injected.ContainsKey((a.SrcIp, a.WindowStart)));
        Console.WriteLine();
        Console.WriteLine($"With --model recommended (docs/models.md): {better.Count} alert(s); {betterFound} of " +
            $"{synth.Spikes.Count} injected spikes found; {better.Count - betterFound} other alert(s). Alerts: " +
            $"{recommendedAlerts}");
        return 0;
    }

    /// <summary>What the demo writes in its folder: only a folder holding nothing else is deleted.</summary>
    private static readonly string[] DemoEntries =
        ["flowlogs", "flowspike.db", "alerts.jsonl", "report.html", "recommended.db", "recommended.jsonl"];

    private static void Recreate(string dir)
    {
        if (File.Exists(dir))
            throw new RunException($"--dir: {dir} is a file; give a new or empty folder");
        if (Directory.Exists(dir))
        {
            // A state's companions (-wal, -shm, .lock) belong to it.
            var foreign = Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName)
                .FirstOrDefault(name => !DemoEntries.Any(e => name == e || name == e + ".lock"
                    || name!.StartsWith(e + "-", StringComparison.Ordinal)));
            if (foreign is not null)
            {
                throw new RunException($"--dir: {dir} holds {foreign}, which the demo did not write; give a new or "
                    + "empty folder (the demo deletes its folder before it starts)");
            }
            Directory.Delete(dir, recursive: true);
        }
        Directory.CreateDirectory(dir);
    }

    /// <summary>A baseline over [start, baselineEnd) and a detect over [baselineEnd, end), as the commands run
    /// them.</summary>
    private static void RunModel(JobSettings settings, long start, long baselineEnd, long end, IRunLog log,
        bool announce = false)
    {
        var baseline = BaselineJob.Resolve(settings with { From = start, To = baselineEnd });
        var detect = DetectJob.Resolve(settings with { From = baselineEnd, To = end });
        string input = settings.Inputs![0];
        if (announce)
        {
            log.Info($"$ flowspike baseline --input {input} --from {TimeRange.Format(start)} " +
                $"--to {TimeRange.Format(baselineEnd)} --state {settings.State}");
        }
        using var store = baseline.OpenState();
        baseline.Run(store, log);
        if (announce)
        {
            log.Info($"$ flowspike detect --input {input} --from {TimeRange.Format(baselineEnd)} " +
                $"--to {TimeRange.Format(end)} --state {settings.State} --out {settings.Output}");
        }
        using var dispatcher = detect.CreateDispatcher(log);
        detect.Run(store, dispatcher, log);
    }
}
