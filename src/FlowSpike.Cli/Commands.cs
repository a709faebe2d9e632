using System.CommandLine;
using FlowSpike.Alerts;
using FlowSpike.Baseline;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.Selection;
using FlowSpike.State;

namespace FlowSpike.Cli;

/// <summary>The command tree. Each action parses its options, calls the library, and prints.</summary>
internal static class Commands
{
    public static RootCommand Build()
    {
        var root = new RootCommand("FlowSpike: finds internal hosts whose blocked outbound connections spike in AWS VPC Flow Logs (Splunk-exact by default).");
        root.Subcommands.Add(BaselineCommand());
        root.Subcommands.Add(DetectCommand());
        root.Subcommands.Add(LookupCommand());
        root.Subcommands.Add(DemoCommand.Build());
        root.Subcommands.Add(SynthCommand.Build());
        return root;
    }

    private sealed class Common
    {
        public Option<string[]> Input { get; } = CliOptions.Inputs();
        public Option<string> State { get; } = CliOptions.State();
        public Option<string?> LogFormat { get; } = CliOptions.LogFormat();
        public Option<string> InputFormat { get; } = CliOptions.InputFormat();
        public Option<string?> EndpointUrl { get; } = CliOptions.EndpointUrl();
        public Option<string[]> Internal { get; } = CliOptions.Cidrs("--internal", "Internal networks, replacing the RFC1918 default.");
        public Option<int> Threads { get; } = CliOptions.Threads();
        public Option<string?> Config { get; } = CliOptions.Config();
        public Option<bool> Quiet { get; } = CliOptions.Quiet();
        public Option<long> From { get; } = CliOptions.Time("--from", "Start of the range (inclusive, aligned).");
        public Option<long> To { get; } = CliOptions.Time("--to", "End of the range (exclusive, aligned).");

        public void AddTo(Command c)
        {
            foreach (var o in new Option[] { Input, From, To, State, LogFormat, InputFormat, EndpointUrl, Internal, Threads, Config, Quiet })
                c.Options.Add(o);
        }

        public FlowSpikeConfig LoadConfig(ParseResult r) =>
            r.GetValue(Config) is { } path ? FlowSpikeConfig.Load(path) : new FlowSpikeConfig();

        public InputOptions InputOptions(ParseResult r, FlowSpikeConfig config)
        {
            string? format = r.GetValue(LogFormat) ?? config.LogFormat;
            var layout = FlowLayout.Default;
            if (format is not null && !FlowLayout.TryFromFormatString(format, out layout, out string? error))
                throw new RunException($"--log-format: {error}");
            var cli = r.GetValue(Internal) ?? [];
            var nets = cli.Length > 0 ? cli : config.Internal.Count > 0 ? config.Internal : CidrSet.Rfc1918;
            int threads = r.GetValue(Threads);
            if (threads < 1)
                throw new RunException($"--threads must be at least 1 (got {threads})");
            return new InputOptions
            {
                Inputs = r.GetValue(Input) ?? [],
                FallbackLayout = layout!,
                Format = Enum.Parse<InputFormat>(r.GetValue(InputFormat)!, ignoreCase: true),
                S3 = S3Settings.FromEnvironment(r.GetValue(EndpointUrl)),
                Internal = ParseCidrs(nets, "--internal"),
                Threads = threads,
            };
        }
    }

    public static CidrSet ParseCidrs(IEnumerable<string> cidrs, string option)
    {
        var list = new List<Ipv4Cidr>();
        foreach (string c in cidrs)
        {
            if (!Ipv4Cidr.TryParse(c, out var cidr, out string? error))
                throw new RunException($"{option}: {error}");
            list.Add(cidr);
        }
        return new CidrSet(list);
    }

    private static Command BaselineCommand()
    {
        var common = new Common();
        var span = CliOptions.Duration("--span", "Bucket size (epoch-aligned).", "1h");
        var cmd = new Command("baseline", "Build the per-host baseline from history (Splunk's support search) and replace the state's lookup.");
        common.AddTo(cmd);
        cmd.Options.Add(span);
        cmd.SetAction(r => Guard(() =>
        {
            var config = common.LoadConfig(r);
            var input = common.InputOptions(r, config);
            var log = new StderrLog(r.GetValue(common.Quiet));
            TimeRange.Validate(r.GetValue(common.From), r.GetValue(common.To), r.GetValue(span), "--span");
            using var store = SqliteStateStore.Open(r.GetValue(common.State)!);
            BaselineRun.Execute(store, input, r.GetValue(common.From), r.GetValue(common.To), r.GetValue(span), log);
            return 0;
        }));
        return cmd;
    }

    private static Command DetectCommand()
    {
        var common = new Common();
        var window = CliOptions.Duration("--window", "Window size; each epoch-aligned window is one detection run.", "1h");
        var deviation = new Option<double>("--deviation-threshold") { Description = "Standard deviations above the mean (deviationThreshold).", DefaultValueFactory = _ => 3 };
        var dataPoints = new Option<long>("--data-point-threshold") { Description = "Data points a host needs before it is scored (dataPointThreshold).", DefaultValueFactory = _ => 5 };
        var weight = new Option<double>("--weight") { Description = "Update weight W of the running mean and deviation (720 = 30 days of hours).", DefaultValueFactory = _ => 720 };
        var allowSrc = CliOptions.Cidrs("--allow-src", "Suppress alerts from these sources (the baseline still learns).");
        var allowDest = CliOptions.Cidrs("--allow-dest", "Suppress alerts whose blocked destinations all lie in these networks.");
        var output = new Option<string>("--out", "-o") { Description = "Alert output (JSON Lines), appended; - is stdout.", DefaultValueFactory = _ => "-", HelpName = "FILE" };
        var cmd = new Command("detect", "Run the spike detection window by window, updating the baseline, and emit alerts.");
        common.AddTo(cmd);
        foreach (var o in new Option[] { window, deviation, dataPoints, weight, allowSrc, allowDest, output })
            cmd.Options.Add(o);
        cmd.SetAction(r => Guard(() =>
        {
            var config = common.LoadConfig(r);
            var input = common.InputOptions(r, config);
            var log = new StderrLog(r.GetValue(common.Quiet));
            var request = new DetectRequest
            {
                From = r.GetValue(common.From),
                To = r.GetValue(common.To),
                WindowSeconds = r.GetValue(window),
                Settings = new SpikeSettings
                {
                    DeviationThreshold = r.GetValue(deviation),
                    DataPointThreshold = r.GetValue(dataPoints),
                    Weight = r.GetValue(weight),
                },
                Filter = new AlertFilter(
                    ParseCidrs(config.AllowSrc.Concat(r.GetValue(allowSrc) ?? []), "--allow-src"),
                    ParseCidrs(config.AllowDest.Concat(r.GetValue(allowDest) ?? []), "--allow-dest")),
            };
            // Everything the user typed is checked before the state is opened.
            TimeRange.Validate(request.From, request.To, request.WindowSeconds, "--window");
            if (request.Settings.Validate() is { } bad)
                throw new RunException(bad);
            string outPath = r.GetValue(output)!;
            using var store = SqliteStateStore.Open(r.GetValue(common.State)!);
            using IAlertSink sink = outPath == "-" ? new TextWriterSink(Console.Out) : new JsonlFileSink(outPath);
            var result = DetectRun.Execute(store, input, request, sink, log);
            if (result.WindowsApplied > 0)
                log.Info($"{result.Alerts} alert(s) over {result.WindowsApplied} window(s)" + (outPath == "-" ? "" : $" written to {outPath}"));
            return 0;
        }));
        return cmd;
    }

    private static Command LookupCommand()
    {
        var lookup = new Command("lookup", "Export or import the Splunk lookup CSV baseline_blocked_outbound_connections.");

        var state = CliOptions.State();
        var output = new Option<string>("--out", "-o") { Description = "CSV output; - is stdout.", DefaultValueFactory = _ => "-", HelpName = "FILE" };
        var export = new Command("export", "Write the lookup as Splunk CSV.") { state, output };
        export.SetAction(r => Guard(() =>
        {
            using var store = SqliteStateStore.Open(r.GetValue(state)!);
            var rows = store.LoadLookup();
            string outPath = r.GetValue(output)!;
            if (outPath == "-")
            {
                LookupCsv.Write(rows, Console.Out);
                Console.Out.Flush();
            }
            else
            {
                // Write beside the target and rename, so a reader never sees half a file.
                string tmp = outPath + ".tmp";
                using (var w = new StreamWriter(tmp))
                    LookupCsv.Write(rows, w);
                File.Move(tmp, outPath, overwrite: true);
                Console.Error.WriteLine($"flowspike: exported {rows.Count} row(s) to {outPath}");
            }
            return 0;
        }));

        var importState = CliOptions.State();
        var csv = new Argument<string>("CSV") { Description = "The lookup CSV file (either Splunk header order)." };
        var import = new Command("import", "Replace the lookup with a Splunk CSV; nothing is imported if any row is bad.") { importState, csv };
        import.SetAction(r => Guard(() =>
        {
            string path = r.GetValue(csv)!;
            List<BaselineRow> rows;
            try
            {
                using var reader = new StreamReader(path);
                rows = LookupCsv.Read(reader, path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new RunException($"{path}: cannot read: {e.Message}");
            }
            catch (FormatException e)
            {
                throw new RunException(e.Message + "; nothing was imported");
            }
            using var store = SqliteStateStore.Open(r.GetValue(importState)!);
            store.ImportLookup(rows);
            Console.Error.WriteLine($"flowspike: imported {rows.Count} row(s) from {path}");
            return 0;
        }));

        lookup.Subcommands.Add(export);
        lookup.Subcommands.Add(import);
        return lookup;
    }

    /// <summary>User mistakes and unreadable inputs become one line on stderr and exit code 1, never a stack trace.</summary>
    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is RunException or FlowInputException or StateException or IOException or UnauthorizedAccessException)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"flowspike: error: {e.Message}");
            return 1;
        }
    }
}
