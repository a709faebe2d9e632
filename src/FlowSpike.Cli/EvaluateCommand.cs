using System.CommandLine;
using System.Globalization;
using FlowSpike.Alerts;
using FlowSpike.Baseline;
using FlowSpike.Jobs;
using FlowSpike.Runs;
using FlowSpike.Synth;

namespace FlowSpike.Cli;

/// <summary>`flowspike evaluate`: models compared on labelled data, or the recommended model's calibration.</summary>
internal static class EvaluateCommand
{
    public static Command Build()
    {
        var flags = new JobFlags(range: false);
        var labels = new Option<string>("--labels")
        {
            Description = "The labelled spikes (labels.csv from flowspike synth).",
            HelpName = "FILE",
        };
        var baselineFrom = CliOptions.Time("--baseline-from",
            "Start of the baseline range (default: the data's first window).");
        var baselineTo = CliOptions.Time("--baseline-to",
            "End of the baseline range, where detection starts (default: the UTC day of the first labelled spike).");
        var to = CliOptions.Time("--to", "End of detection (default: the end of the data's last window).");
        baselineFrom.Required = baselineTo.Required = to.Required = false;
        var window = CliOptions.Duration("--window", "Window (and baseline bucket) size.", JobDefaults.WindowSeconds);
        var models = new Option<string[]>("--models")
        {
            Description = "Models to compare.",
            DefaultValueFactory = _ => [.. SpikeModels.Names],
            AllowMultipleArgumentsPerToken = true,
        };
        var markdown = new Option<bool>("--markdown") { Description = "Print a Markdown table." };
        var calibrate = new Option<int[]>("--calibrate")
        {
            Description = "Instead: the recommended model's false alerts per host-hour on spike-free zoos of these " +
                "seeds, by behaviour, beside the oracle's, and the planted-burst scenario's ×10s flagged (Markdown).",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "SEED",
        };
        var cmd = new Command("evaluate", "Compare models on labelled data: precision, recall, F1, alerts per " +
            "1,000 host-hours, delay; on a zoo (hosts.csv beside the labels) also recall by spike size and false " +
            "alerts by behaviour, beside the oracle's.");
        flags.AddTo(cmd);
        // --calibrate builds its own zoos: --input is required only for the comparison on labelled data.
        flags.Input.Required = false;
        foreach (var o in new Option[] { labels, baselineFrom, baselineTo, to, window, models, markdown, calibrate })
            cmd.Options.Add(o);
        cmd.SetAction(r => CliGuard.Run(() =>
        {
            if (r.GetValue(calibrate) is { Length: > 0 } seeds)
            {
                var calibration = ZooEvaluation.Calibrate(seeds, [1e-3, 1e-4], new RecommendedSettings());
                Console.Write(ZooEvaluation.CalibrationMarkdown(calibration));
                // Beside it, the planted-burst scenario of the same seeds: one or two ×3 bursts, then a ×10.
                var planted = ZooPlantedBursts.Run(seeds, new RecommendedSettings());
                Console.Write("\nPlanted bursts (one or two ×3 in the baseline, a ×10 in the detection week):\n\n"
                    + ZooPlantedBursts.Markdown(planted));
                return 0;
            }
            var settings = flags.Bind(r) with
            {
                Labels = Given.Ref(r, labels),
                BaselineFrom = Given.Val(r, baselineFrom),
                BaselineTo = Given.Val(r, baselineTo),
                To = Given.Val(r, to),
                WindowSeconds = Given.Seconds(r, window),
                Models = Given.Ref(r, models),
            };
            var job = EvaluateOptions.Resolve(settings, flags.LoadConfig(r));
            var log = flags.Log(r);
            var (bFrom, bTo, end) = job.Range();
            log.Info($"evaluate: baseline {TimeRange.Format(bFrom)} .. {TimeRange.Format(bTo)}, " +
                $"detection to {TimeRange.Format(end)}");
            var alertsByModel = new Dictionary<string, List<Alert>>();
            var rows = job.Run(bFrom, bTo, end, log, alertsByModel);
            string? zoo = ZooFigures(job, alertsByModel, bTo, end);
            if (r.GetValue(markdown))
            {
                Console.Write(Evaluation.Markdown(rows));
                if (zoo is not null)
                    Console.Write("\n" + zoo);
                return 0;
            }
            if (zoo is not null)
                Console.Error.Write(zoo);
            Console.WriteLine($"{"model",-12} {"alerts",6} {"true",5} {"false",5} {"missed",6} {"prec",5} " +
                $"{"recall",6} {"F1",5} {"/1k host-h",10} {"delay",5}");
            foreach (var x in rows)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{x.Model,-12} {x.Alerts,6} {x.TruePositives,5} {x.FalsePositives,5} {x.Missed,6} " +
                    $"{x.Precision,5:F2} {x.Recall,6:F2} {x.F1,5:F2} {x.AlertsPer1000HostHours,10:F2} " +
                    $"{x.MeanDelayWindows,5:F1}"));
            }
            return 0;
        }));
        return cmd;
    }

    /// <summary>With hosts.csv (and oracle.csv) beside the labels, the zoo's figures beside the oracle's; else
    /// null.</summary>
    private static string? ZooFigures(EvaluateOptions job, Dictionary<string, List<Alert>> alerts, long from, long to)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(job.Labels))!;
        string hostsPath = Path.Combine(dir, "hosts.csv"), oraclePath = Path.Combine(dir, "oracle.csv");
        if (!File.Exists(hostsPath))
            return null;
        var labels = Evaluation.ReadLabels(job.Labels);
        var hosts = ZooEvaluation.ReadHosts(hostsPath);
        long window = job.WindowSeconds;
        var figures = alerts.Select(kv => ZooEvaluation.Score(kv.Key, kv.Value, labels, hosts, from, to,
            window)).ToList();
        if (File.Exists(oraclePath))
        {
            double tail = ModelDefaults.Recommended.Rules!.TailProbability;
            var oracle = ZooEvaluation.OracleAlerts(ZooEvaluation.ReadOracle(oraclePath), tail);
            figures.Add(ZooEvaluation.Score($"oracle (tail < {tail:G})", oracle, labels, hosts, from, to, window));
        }
        return ZooEvaluation.Markdown(figures);
    }
}
