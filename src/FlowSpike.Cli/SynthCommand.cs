using System.CommandLine;
using System.Globalization;
using FlowSpike.Synth;

namespace FlowSpike.Cli;

/// <summary>`flowspike synth`: the demo's generator, for users and benchmarks.</summary>
internal static class SynthCommand
{
    public static Command Build()
    {
        var output = new Option<string>("--out", "-o")
        {
            Description = "Output folder (an S3-like AWSLogs/ tree plus labels.csv).",
            Required = true,
            HelpName = "DIR"
        };
        var start = CliOptions.Time("--start", "First hour of data.");
        start.Required = false;
        start.DefaultValueFactory = _ => new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var days = new Option<int>("--days") { Description = "Days of data.", DefaultValueFactory = _ => 10 };
        var hosts = new Option<int>("--hosts") { Description = "Internal hosts.", DefaultValueFactory = _ => 40 };
        var seed = new Option<int>("--seed")
        {
            Description = "Random seed; equal options give identical files.",
            DefaultValueFactory = _ => 42
        };
        var spikes = new Option<int>("--spikes")
        {
            Description = "Injected spike events (written to labels.csv).",
            DefaultValueFactory = _ => 4
        };
        var spikeFromDay = new Option<int>("--spike-from-day")
        {
            Description = "Spikes start on or after this day.",
            DefaultValueFactory = _ => 7
        };
        var layout = new Option<string>("--layout")
        {
            Description = "default (header line), no-header (CloudWatch " +
            "export style) or v5 (all v5 fields, shuffled header).",
            DefaultValueFactory = _ => "default"
        };
        layout.AcceptOnlyFromAmong("default", "no-header", "v5");
        var noGzip = new Option<bool>("--no-gzip") { Description = "Write plain .log files instead of .log.gz." };
        var filesPerHour = new Option<int>("--files-per-hour")
        {
            Description = "Files per hour and account.",
            DefaultValueFactory = _ => 1
        };
        var rate = new Option<double>("--records-per-host-hour")
        {
            Description = "Average records (all kinds) per " +
            "host-hour.",
            DefaultValueFactory = _ => 30
        };
        var rejectShare = new Option<double?>("--reject-share")
        {
            Description = "Benchmarks: the share (0 to 1) of noise records that are REJECTs, about half of them " +
                "blocked outbound.",
            HelpName = "SHARE",
        };
        var container = new Option<string>("--container")
        {
            Description = "text (S3 gzip), cloudwatch " +
            "(filter-log-events JSON), subscription (CloudWatch subscription payloads as Firehose writes them), " +
            "firehose ({\"message\"} lines), parquet (S3 Parquet), ocsf (Security Lake).",
            DefaultValueFactory = _ =>
                "text"
        };
        container.AcceptOnlyFromAmong("text", "cloudwatch", "subscription", "firehose", "parquet", "ocsf");
        var target = new Option<string?>("--target-size")
        {
            Description = "Stop after about this much uncompressed " +
            "text (e.g. 1GB, 200MB); overrides --days.",
            HelpName = "SIZE"
        };
        var scenario = new Option<string?>("--scenario")
        {
            Description = "Instead of the benchmark, one small " +
            "labelled scenario per weakness of the ESCU search: " + string.Join(", ",
                WeaknessScenario.Names)
                    + " (10 days from 2026-10-01, in DIR/flows.log); or zoo, every host behaviour at once (21 days " +
                        "from 2026-10-05, with hosts.csv and oracle.csv).",
            HelpName = "NAME"
        };
        scenario.AcceptOnlyFromAmong([.. WeaknessScenario.Names, ZooScenario.Name]);
        var cmd = new Command("synth", "Generate realistic synthetic VPC flow logs with injected spikes.");
        foreach (var o in new Option[] { output, start, days, hosts, seed, spikes, spikeFromDay, layout, noGzip,
            filesPerHour, rate, rejectShare, target, container, scenario })
            cmd.Options.Add(o);
        cmd.SetAction(r => CliGuard.Run(() =>
        {
            if (r.GetValue(scenario) is ZooScenario.Name)
            {
                int spikes = ZooScenario.Write(r.GetValue(output)!, r.GetValue(seed));
                Console.Error.WriteLine($"flowspike: wrote scenario zoo to {r.GetValue(output)}/flows.log with " +
                    $"{spikes} labelled spike(s) in labels.csv");
                return 0;
            }
            if (r.GetValue(scenario) is { } name)
            {
                int labelled = WeaknessScenario.Write(name, r.GetValue(output)!, r.GetValue(seed));
                Console.Error.WriteLine($"flowspike: wrote scenario {name} to {r.GetValue(output)}/flows.log with " +
                    $"{labelled} labelled spike(s) in labels.csv");
                return 0;
            }
            long? targetBytes = null;
            if (r.GetValue(target) is { } t)
            {
                if (!TryParseSize(t, out long b))
                    throw new RunException($"--target-size: '{t}' is not a size (examples: 200MB, 1GB)");
                targetBytes = b;
            }
            var options = new SynthOptions
            {
                Start = DateTimeOffset.FromUnixTimeSeconds(r.GetValue(start)),
                Days = r.GetValue(days),
                Hosts = r.GetValue(hosts),
                Seed = r.GetValue(seed),
                Spikes = r.GetValue(spikes),
                SpikeFromDay = r.GetValue(spikeFromDay),
                Layout = r.GetValue(layout) switch
                {
                    "no-header" => SynthLayout.DefaultNoHeader,
                    "v5" => SynthLayout.ShuffledV5Header,
                    _ => SynthLayout.DefaultWithHeader
                },
                Gzip = !r.GetValue(noGzip),
                FilesPerHour = r.GetValue(filesPerHour),
                RecordsPerHostHour = r.GetValue(rate),
                TargetBytes = targetBytes,
                RejectShare = r.GetValue(rejectShare),
            };
            var kind = Enum.Parse<FlowContainer>(r.GetValue(container)!, ignoreCase: true);
            var result = kind == FlowContainer.Text ? Generate(options, r.GetValue(output)!) : GenerateIn(kind, options,
                r.GetValue(output)!);
            Console.Error.WriteLine($"flowspike: wrote {result.Files} file(s), {result.Records} record(s), " +
                $"{result.UncompressedBytes / 1e6:F1} MB uncompressed; labels in {result.LabelsPath}");
            return 0;
        }));
        return cmd;
    }

    public static SynthResult Generate(SynthOptions options, string dir)
    {
        try
        {
            return FlowSynth.Generate(options, dir);
        }
        catch (ArgumentException e)
        {
            throw new RunException(e is SynthOptionsException refused ? refused.Marked : e.Message);
        }
    }

    /// <summary>Generates text, then rewrites every file into the container, keeping the S3-like tree and the
    /// labels.</summary>
    private static SynthResult GenerateIn(FlowContainer container, SynthOptions options, string dir)
    {
        string staging = Path.Combine(dir, ".text-staging");
        var result = Generate(options with { Gzip = false }, staging);
        FlowContainers.ConvertTree(Path.Combine(staging, "AWSLogs"), Path.Combine(dir, "AWSLogs"), container);
        string labels = Path.Combine(dir, "labels.csv");
        File.Copy(result.LabelsPath, labels, overwrite: true);
        Directory.Delete(staging, recursive: true);
        return result with { LabelsPath = labels };
    }

    private static bool TryParseSize(string text, out long bytes)
    {
        text = text.Trim().ToUpperInvariant();
        long unit = 1;
        foreach (var (suffix, u) in new[] { ("GB", 1_000_000_000L), ("MB", 1_000_000L), ("KB", 1_000L), ("B", 1L) })
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                unit = u;
                text = text[..^suffix.Length];
                break;
            }
        }
        bool ok = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double n) && n > 0;
        bytes = ok ? (long)(n * unit) : 0;
        return ok;
    }
}
