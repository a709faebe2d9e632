using System.CommandLine;
using System.CommandLine.Help;
using FlowSpike.Alerts;
using FlowSpike.Baseline;
using FlowSpike.Delivery;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.Selection;
using FlowSpike.State;

namespace FlowSpike.Cli;

/// <summary>The command tree. Each action parses its options, calls the library, and prints.</summary>
internal static class Commands
{
    public static Command Build()
    {
        // A plain command named flowspike, not RootCommand, so help shows the tool's name rather than the assembly's.
        var root = new Command("flowspike", "FlowSpike: finds internal hosts whose blocked outbound connections spike in AWS VPC Flow Logs (Splunk-exact by default).")
        {
            new HelpOption(),
            new VersionOption(),
            LogJson,
        };
        root.Subcommands.Add(BaselineCommand());
        root.Subcommands.Add(DetectCommand());
        root.Subcommands.Add(WatchCommand());
        root.Subcommands.Add(LookupCommand());
        root.Subcommands.Add(ReportCommands.Explain());
        root.Subcommands.Add(ReportCommands.Report());
        root.Subcommands.Add(EvaluateCommand());
        root.Subcommands.Add(DemoCommand.Build());
        root.Subcommands.Add(SynthCommand.Build());
        root.Subcommands.Add(ClusterCommands.Build());
        root.Subcommands.Add(CompletionCommand.Build(root));
        ConfigureHelp(root);
        return root;
    }

    /// <summary>--log-json, on every command: notes as JSON lines on stderr for log shippers.</summary>
    public static readonly Option<bool> LogJson = new("--log-json")
    {
        Description = "Write notes, warnings and errors to stderr as JSON lines (time, level, message).",
        Recursive = true,
    };

    /// <summary>Help wraps to the terminal: COLUMNS, else the console's width, else 100.</summary>
    private static void ConfigureHelp(Command root)
    {
        if (root.Options.OfType<HelpOption>().Single().Action is HelpAction help)
            help.MaxWidth = HelpWidth();
    }

    private static int HelpWidth()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out int columns) && columns >= 40)
            return columns;
        try
        {
            if (!Console.IsOutputRedirected && Console.WindowWidth >= 40)
                return Console.WindowWidth;
        }
        catch (IOException)
        {
        }
        return 100;
    }

    internal sealed class Common(bool range = true)
    {
        public Option<string[]> Input { get; } = CliOptions.Inputs();
        public Option<string> State { get; } = CliOptions.State();
        public Option<string?> LogFormat { get; } = CliOptions.LogFormat();
        public Option<string> InputFormat { get; } = CliOptions.InputFormat();
        public Option<string?> EndpointUrl { get; } = CliOptions.EndpointUrl();
        public Option<string[]> Internal { get; } = CliOptions.Cidrs("--internal", "Internal networks, replacing the RFC1918 default.");
        public Option<int> Threads { get; } = CliOptions.Threads();
        public Option<bool> SkipUnsupported { get; } = CliOptions.SkipUnsupported();
        public Option<string?> Config { get; } = CliOptions.Config();
        public Option<bool> Quiet { get; } = CliOptions.Quiet();
        public Option<string> Model { get; } = CliOptions.Model();
        public Option<string?> Entity { get; } = CliOptions.Entity();
        public Option<bool?> ZeroFill { get; } = Rule("--zero-fill", "Quiet windows are data points with count 0.");
        public Option<bool?> TestFirst { get; } = Rule("--test-first", "Test the count against the baseline before it enters it.");
        public Option<bool?> AutoLearn { get; } = Rule("--auto-learn", "Hosts not in the baseline learn on first sight, with no separate baseline run.");
        public Option<bool?> Seasonal { get; } = Rule("--seasonal", "Test against the host's hour-of-week profile too (recommended model).");
        public Option<long?> MinCount { get; } = new("--min-count") { Description = "The fewest blocked records that can be a spike (recommended model; default 5).", HelpName = "N" };
        public Option<double?> TailProbability { get; } = new("--tail-probability") { Description = "A count this unlikely under the host's own count model is a spike (recommended model; default 1e-4).", HelpName = "P" };

        private static Option<bool?> Rule(string name, string description) =>
            new(name) { Description = description + " A rule of the recommended model, on by default there; --" + name[2..] + " false turns it off.", Arity = ArgumentArity.ZeroOrOne };

        /// <summary>The rules of the models beyond the seed, from the options; refused with the splunk model, which has none.</summary>
        public RecommendedSettings? Rules(ParseResult r)
        {
            var given = new Option[] { ZeroFill, TestFirst, AutoLearn, Seasonal, MinCount, TailProbability }.Where(o => r.GetResult(o) is not null).ToList();
            if (r.GetValue(Model) == SplunkModel.ModelName)
            {
                return given.Count == 0 ? null
                    : throw new RunException($"{given[0].Name} is a rule of the recommended model; the splunk model is the seed's, exactly");
            }
            var rules = new RecommendedSettings();
            rules = rules with
            {
                ZeroFill = r.GetValue(ZeroFill) ?? rules.ZeroFill,
                TestFirst = r.GetValue(TestFirst) ?? rules.TestFirst,
                AutoLearn = r.GetValue(AutoLearn) ?? rules.AutoLearn,
                Seasonal = r.GetValue(Seasonal) ?? rules.Seasonal,
                MinCount = r.GetValue(MinCount) ?? rules.MinCount,
                TailProbability = r.GetValue(TailProbability) ?? rules.TailProbability,
            };
            if (rules.MinCount < 1)
                throw new RunException($"--min-count must be at least 1 (got {rules.MinCount})");
            if (!(rules.TailProbability is > 0 and <= 1))
                throw new RunException($"--tail-probability must be in (0, 1] (got {rules.TailProbability})");
            return rules;
        }
        public Option<bool?> Ipv6 { get; } = new("--ipv6")
        {
            Description = "Count IPv6 sources in fc00::/7 (unique local) and any IPv6 --internal networks as internal. Off in the splunk model (the seed ignores IPv6), on in the others; --ipv6 false turns it off.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        public Option<long> From { get; } = CliOptions.Time("--from", "Start of the range (inclusive, aligned).");
        public Option<long> To { get; } = CliOptions.Time("--to", "End of the range (exclusive, aligned).");

        public void AddTo(Command c)
        {
            if (range)
            {
                c.Options.Add(From);
                c.Options.Add(To);
            }
            foreach (var o in new Option[] { Input, State, Model, Entity, Ipv6, ZeroFill, TestFirst, AutoLearn, Seasonal, MinCount, TailProbability, LogFormat, InputFormat, EndpointUrl, Internal, Threads, SkipUnsupported, Config, Quiet })
                c.Options.Add(o);
        }

        /// <summary>The entity keying asked for; null keeps a state's own (src_ip for a new state).</summary>
        public EntityKind? EntityKind(ParseResult r) =>
            r.GetValue(Entity) is { } name ? (EntityRegistry.TryParseKind(name, out var kind) ? kind : throw new RunException($"--entity: unknown '{name}'")) : null;

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
            var internalNets = ParseCidrs(nets, "--internal", allowIpv6: true);
            if (r.GetValue(Ipv6) ?? SpikeModels.CountsIpv6(r.GetValue(Model)!))
                internalNets = internalNets.WithUniqueLocal();
            int threads = r.GetValue(Threads);
            if (threads < 1)
                throw new RunException($"--threads must be at least 1 (got {threads})");
            return new InputOptions
            {
                Inputs = r.GetValue(Input) ?? [],
                FallbackLayout = layout!,
                Format = Enum.Parse<InputFormat>(r.GetValue(InputFormat)!, ignoreCase: true),
                S3 = S3Settings.FromEnvironment(r.GetValue(EndpointUrl)),
                Internal = internalNets,
                Threads = threads,
                SkipUnsupported = r.GetValue(SkipUnsupported),
                Progress = new Aggregation.ScanProgress(),
            };
        }
    }

    public static CidrSet ParseCidrs(IEnumerable<string> cidrs, string option, bool allowIpv6 = false)
    {
        var list = new List<Ipv4Cidr>();
        var v6 = new List<Ipv6Cidr>();
        foreach (string c in cidrs)
        {
            if (allowIpv6 && c.Contains(':', StringComparison.Ordinal))
            {
                if (!Ipv6Cidr.TryParse(c, out var cidr6, out string? error6))
                    throw new RunException($"{option}: {error6}");
                v6.Add(cidr6);
                continue;
            }
            if (!Ipv4Cidr.TryParse(c, out var cidr, out string? error))
                throw new RunException($"{option}: {error}");
            list.Add(cidr);
        }
        return new CidrSet(list, v6);
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
            string model = r.GetValue(common.Model)!;
            using var store = SqliteStateStore.Open(r.GetValue(common.State)!, model, common.EntityKind(r));
            using (ProgressLine.Start(input.Progress!, r.GetValue(common.Quiet)))
                BaselineRun.Execute(store, input, r.GetValue(common.From), r.GetValue(common.To), r.GetValue(span), log, model, common.Rules(r));
            return 0;
        }));
        return cmd;
    }

    /// <summary>What detect and watch share: the window, the seed's thresholds, the allowlists, suppression and the alert outputs.</summary>
    internal sealed class DetectionOptions
    {
        public Option<CliDuration> Window { get; } = CliOptions.Duration("--window", "Window size; each epoch-aligned window is one detection run.", "1h");
        public Option<double> Deviation { get; } = new("--deviation-threshold") { Description = "Standard deviations above the mean (deviationThreshold).", DefaultValueFactory = _ => 3 };
        public Option<long> DataPoints { get; } = new("--data-point-threshold") { Description = "Data points a host needs before it is scored (dataPointThreshold).", DefaultValueFactory = _ => 5 };
        public Option<double> Weight { get; } = new("--weight") { Description = "Update weight W of the running mean and deviation (720 = 30 days of hours).", DefaultValueFactory = _ => 720 };
        public Option<string[]> AllowSrc { get; } = CliOptions.Cidrs("--allow-src", "Suppress alerts from these sources (the baseline still learns).");
        public Option<string[]> AllowDest { get; } = CliOptions.Cidrs("--allow-dest", "Suppress alerts whose blocked destinations all lie in these networks.");
        public Option<string?> Output { get; } = new("--out", "-o") { Description = "Alert output file, appended; - is stdout (the default when the config names no sinks).", HelpName = "FILE" };
        public Option<string> Format { get; } = AlertFormatOption();
        public Option<string?> Suppress { get; } = new("--suppress") { Description = "Throttle: after an alert, the same key stays quiet this long (the original rule: 4h per src_ip). Default: off, as the seed search.", HelpName = "DURATION" };
        public Option<string> SuppressKey { get; } = SuppressKeyOption();
        public Option<bool> RolloutGroup { get; } = new("--rollout-group") { Description = "Raise one alert per account for a likely policy change (listing its hosts in grouped_hosts) instead of one per host." };
        public Option<double?> RolloutShare { get; } = new("--rollout-share") { Description = "Annotate alerts as a likely policy change when at least 3 hosts and this share of an account's active hosts spike together (default: off; 0.25 with --model recommended; 0 turns it off).", HelpName = "SHARE" };
        /// <summary>Local detect and watch only (added by those commands).</summary>
        public Option<bool> AllowEmptyWindows { get; } = new("--allow-empty-windows")
        {
            Description = "Windows with no flow-log record at all are quiet, not missing data: commit (detect) " +
                "or close (watch) them. " +
                "Without it detect stops before such a window and fails naming it, and watch holds it open.",
        };
        public Option<CliDuration> HistoryRetention { get; } = CliOptions.Duration("--history-retention", "How long to keep per-host history for explain and report (0 keeps none: faster commits for very large windows).", "90d");

        private static Option<string> AlertFormatOption()
        {
            var o = new Option<string>("--format") { Description = "Alert format for --out: jsonl, ocsf (Detection Finding 2004), asff (Security Hub) or csv.", DefaultValueFactory = _ => "jsonl" };
            o.AcceptOnlyFromAmong("jsonl", "ocsf", "asff", "csv");
            return o;
        }

        private static Option<string> SuppressKeyOption()
        {
            var o = new Option<string>("--suppress-key") { Description = "What --suppress keys on: src_ip, or src_ip+resources.", DefaultValueFactory = _ => "src_ip" };
            o.AcceptOnlyFromAmong("src_ip", "src_ip+resources");
            return o;
        }

        public void AddTo(Command c)
        {
            foreach (var o in new Option[] { Window, Deviation, DataPoints, Weight, AllowSrc, AllowDest, Output, Format, Suppress, SuppressKey, RolloutShare, RolloutGroup, HistoryRetention })
                c.Options.Add(o);
        }

        /// <summary>The detect request the options describe, checked: local and cluster detect take the same.</summary>
        public DetectRequest Request(ParseResult r, Common common, FlowSpikeConfig config)
        {
            var request = new DetectRequest
            {
                From = r.GetValue(common.From),
                To = r.GetValue(common.To),
                WindowSeconds = r.GetValue(Window),
                Policy = Policy(r, config, r.GetValue(common.Model)!) with { Rules = common.Rules(r) },
            };
            TimeRange.Validate(request.From, request.To, request.WindowSeconds, "--window");
            return request;
        }

        public AlertPolicy Policy(ParseResult r, FlowSpikeConfig config, string model)
        {
            double? share = r.GetValue(RolloutShare) ?? SpikeModels.DefaultRolloutShare(model);
            var settings = new SpikeSettings { DeviationThreshold = r.GetValue(Deviation), DataPointThreshold = r.GetValue(DataPoints), Weight = r.GetValue(Weight) };
            if (settings.Validate() is { } bad)
                throw new RunException(bad);
            string? window = r.GetValue(Suppress) ?? config.Suppress.GetValueOrDefault("window");
            long suppressSeconds = 0;
            if (window is not null && !TimeRange.TryParseDuration(window, out suppressSeconds))
                throw new RunException($"--suppress: '{window}' is not a duration (examples: 4h, 14400s)");
            string key = r.GetResult(SuppressKey) is null ? config.Suppress.GetValueOrDefault("key") ?? "src_ip" : r.GetValue(SuppressKey)!;
            return new AlertPolicy
            {
                Settings = settings,
                Filter = new AlertFilter(
                    ParseCidrs(config.AllowSrc.Concat(r.GetValue(AllowSrc) ?? []), "--allow-src"),
                    ParseCidrs(config.AllowDest.Concat(r.GetValue(AllowDest) ?? []), "--allow-dest")),
                Suppression = new Suppression(suppressSeconds, key == "src_ip+resources" ? SuppressionKey.SrcIpAndResources : SuppressionKey.SrcIp),
                HistoryRetentionSeconds = r.GetValue(HistoryRetention),
                KeepHistory = r.GetValue(HistoryRetention) > 0,
                Model = model,
                Rollout = share is > 0 ? new RolloutAwareness(share.Value, Group: r.GetValue(RolloutGroup)) : null,
            };
        }

        /// <summary>The config's sinks, plus --out (or stdout when nothing else is configured).</summary>
        public AlertDispatcher Dispatcher(ParseResult r, FlowSpikeConfig config, IRunLog log) =>
            new(Sinks(r, config, log), log);

        private List<IAlertSink> Sinks(ParseResult r, FlowSpikeConfig config, IRunLog log)
        {
            var asff = new AsffOptions
            {
                AwsAccountId = config.Asff.GetValueOrDefault("account") ?? "000000000000",
                Region = config.Asff.GetValueOrDefault("region") ?? "us-east-1",
                ProductArn = config.Asff.GetValueOrDefault("product_arn"),
            };
            var sinks = new List<IAlertSink>();
            try
            {
                foreach (var spec in config.Sinks)
                    sinks.Add(AlertSinks.Create(spec, asff, warn: log.Warn));
                string? output = r.GetValue(Output);
                if (output is not null || sinks.Count == 0)
                    sinks.Add(AlertSinks.Create(new SinkSpec("file", new Dictionary<string, string> { ["path"] = output ?? "-", ["format"] = r.GetValue(Format)! }), asff, warn: log.Warn));
            }
            catch (ArgumentException e)
            {
                foreach (var s in sinks)
                    s.Dispose();
                throw new RunException(e.Message);
            }
            return sinks;
        }
    }

    private static Command DetectCommand()
    {
        var common = new Common();
        var detection = new DetectionOptions();
        var cmd = new Command("detect", "Run the spike detection window by window, updating the baseline, and emit alerts.");
        common.AddTo(cmd);
        detection.AddTo(cmd);
        var allowSpanMismatch = new Option<bool>("--allow-span-mismatch")
        {
            Description = "Detect with a --window other than the baseline's --span (the seed allows it; " +
                "refused by default).",
        };
        cmd.Options.Add(detection.AllowEmptyWindows);
        cmd.Options.Add(allowSpanMismatch);
        cmd.SetAction(r => Guard(() =>
        {
            var config = common.LoadConfig(r);
            var input = common.InputOptions(r, config);
            var log = new StderrLog(r.GetValue(common.Quiet));
            // Everything the user typed is checked before the state is opened.
            var request = detection.Request(r, common, config) with
            {
                AllowEmptyWindows = r.GetValue(detection.AllowEmptyWindows),
                AllowSpanMismatch = r.GetValue(allowSpanMismatch),
            };
            using var store = SqliteStateStore.Open(r.GetValue(common.State)!, request.Policy.Model, common.EntityKind(r));
            using var dispatcher = detection.Dispatcher(r, config, log);
            DetectRun.Result result;
            using (ProgressLine.Start(input.Progress!, r.GetValue(common.Quiet)))
                result = DetectRun.Execute(store, input, request, dispatcher, log);
            return DetectSummary(log, result.WindowsApplied, result.Alerts, result.Held, dispatcher);
        }));
        return cmd;
    }

    private static Command WatchCommand()
    {
        var common = new Common(range: false);
        var detection = new DetectionOptions();
        var lateness = CliOptions.Duration("--lateness", "How long after a window's end to wait for late files before closing it.", "10m");
        var poll = CliOptions.Duration("--poll-interval", "How often to look for new files.", "30s");
        var from = CliOptions.Time("--from", "First window when the state has no committed window yet (otherwise watch continues after it).");
        from.Required = false;
        var clock = new Option<string?>("--clock") { Description = "A file holding the current time (epoch seconds or ISO 8601), read at every poll, instead of the data's own time: for replays and tests.", HelpName = "FILE" };
        var once = new Option<bool>("--once") { Description = "Process the files present, close what can be closed, and exit." };
        var listen = new Option<string>("--listen") { Description = "Address for /healthz and /metrics (none to disable).", DefaultValueFactory = _ => "127.0.0.1:9464", HelpName = "HOST:PORT" };
        var cmd = new Command("watch", "Run continuously: count new files exactly once as they arrive and close each window after its lateness, as detect would.");
        common.AddTo(cmd);
        detection.AddTo(cmd);
        var otlp = new Option<string?>("--otlp-endpoint")
        {
            Description = "Also push metrics over OTLP/HTTP to this collector (default: OTEL_EXPORTER_OTLP_ENDPOINT).",
            HelpName = "URL",
        };
        foreach (var o in new Option[] { lateness, poll, from, clock, once, listen, otlp, detection.AllowEmptyWindows })
            cmd.Options.Add(o);
        cmd.SetAction(r => Guard(() =>
        {
            var config = common.LoadConfig(r);
            var input = common.InputOptions(r, config);
            var log = new StderrLog(r.GetValue(common.Quiet));
            var request = new Watch.WatchRequest
            {
                WindowSeconds = r.GetValue(detection.Window),
                LatenessSeconds = r.GetValue(lateness),
                PollInterval = TimeSpan.FromSeconds(Math.Max(1, r.GetValue(poll))),
                From = r.GetResult(from) is null ? null : r.GetValue(from),
                ClockFile = r.GetValue(clock),
                Once = r.GetValue(once),
                AllowEmptyWindows = r.GetValue(detection.AllowEmptyWindows),
                Policy = detection.Policy(r, config, r.GetValue(common.Model)!) with { Rules = common.Rules(r) },
            };
            using var stop = new CancellationTokenSource();
            // SIGTERM and Ctrl-C stop after the current commit; every commit is atomic anyway.
            using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
            using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
            using var metrics = new Watch.WatchMetrics();
            if (MetricsEndpoint.Exposure(r.GetValue(listen)!) is { } exposed)
                log.Warn(exposed);
            using var server = MetricsEndpoint.Start(r.GetValue(listen), r.GetValue(otlp));
            using var store = SqliteStateStore.Open(r.GetValue(common.State)!, request.Policy.Model, common.EntityKind(r));
            using var dispatcher = detection.Dispatcher(r, config, log);
            Watch.WatchRun.Execute(store, input, request, dispatcher, log, metrics, stop.Token);
            return 0;
        }));
        return cmd;
    }

    private static Command EvaluateCommand()
    {
        var common = new Common(range: false);
        var labels = new Option<string>("--labels") { Description = "The labelled spikes (labels.csv from flowspike synth).", Required = true, HelpName = "FILE" };
        var baselineFrom = CliOptions.Time("--baseline-from", "Start of the baseline range (default: the data's first window).");
        var baselineTo = CliOptions.Time("--baseline-to", "End of the baseline range, where detection starts (default: the UTC day of the first labelled spike).");
        var to = CliOptions.Time("--to", "End of detection (default: the end of the data's last window).");
        baselineFrom.Required = baselineTo.Required = to.Required = false;
        var window = CliOptions.Duration("--window", "Window (and baseline bucket) size.", "1h");
        var models = new Option<string[]>("--models") { Description = "Models to compare.", DefaultValueFactory = _ => [.. FlowSpike.Baseline.SpikeModels.Names], AllowMultipleArgumentsPerToken = true };
        var markdown = new Option<bool>("--markdown") { Description = "Print a Markdown table." };
        var calibrate = new Option<int[]>("--calibrate") { Description = "Instead: the recommended model's false alerts per host-hour on spike-free zoos of these seeds, by behaviour, beside the oracle's (Markdown).", AllowMultipleArgumentsPerToken = true, HelpName = "SEED" };
        labels.Required = false;
        var cmd = new Command("evaluate", "Compare models on labelled data: precision, recall, F1, alerts per 1,000 host-hours, delay; on a zoo (hosts.csv beside the labels) also recall by spike size and false alerts by behaviour, beside the oracle's.");
        common.AddTo(cmd);
        // --calibrate builds its own zoos: --input is required only for the comparison on labelled data.
        common.Input.Required = false;
        foreach (var o in new Option[] { labels, baselineFrom, baselineTo, to, window, models, markdown, calibrate })
            cmd.Options.Add(o);
        cmd.SetAction(r => Guard(() =>
        {
            if (r.GetValue(calibrate) is { Length: > 0 } seeds)
            {
                var calibration = ZooEvaluation.Calibrate(seeds, [1e-3, 1e-4], new FlowSpike.Baseline.RecommendedSettings());
                Console.Write(ZooEvaluation.CalibrationMarkdown(calibration));
                return 0;
            }
            if (r.GetValue(labels) is null)
                throw new RunException("evaluate: give --labels FILE (or --calibrate SEED...)");
            if (r.GetValue(common.Input) is not { Length: > 0 })
                throw new RunException("evaluate: give --input PATH (or --calibrate SEED...)");
            var input = common.InputOptions(r, common.LoadConfig(r));
            var log = new StderrLog(r.GetValue(common.Quiet));
            var labelled = Evaluation.ReadLabels(r.GetValue(labels)!);
            long size = r.GetValue(window);
            var range = Evaluation.InferRange(input, labelled, size);
            long? Given(Option<long> o) => r.GetResult(o) is null ? null : r.GetValue(o);
            long bFrom = Given(baselineFrom) ?? range.BaselineFrom, bTo = Given(baselineTo) ?? range.BaselineTo, end = Given(to) ?? range.To;
            log.Info($"evaluate: baseline {TimeRange.Format(bFrom)} .. {TimeRange.Format(bTo)}, detection to {TimeRange.Format(end)}");
            var alertsByModel = new Dictionary<string, List<FlowSpike.Alerts.Alert>>();
            var rows = Evaluation.Run(input, labelled, bFrom, bTo, end, size, r.GetValue(models)!, log, alertsByModel);
            string? zoo = ZooFigures(r.GetValue(labels)!, labelled, alertsByModel, bTo, end, size);
            if (r.GetValue(markdown))
            {
                Console.Write(Evaluation.Markdown(rows));
                if (zoo is not null)
                    Console.Write("\n" + zoo);
                return 0;
            }
            if (zoo is not null)
                Console.Error.Write(zoo);
            Console.WriteLine($"{"model",-12} {"alerts",6} {"true",5} {"false",5} {"missed",6} {"prec",5} {"recall",6} {"F1",5} {"/1k host-h",10} {"delay",5}");
            foreach (var x in rows)
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{x.Model,-12} {x.Alerts,6} {x.TruePositives,5} {x.FalsePositives,5} {x.Missed,6} {x.Precision,5:F2} {x.Recall,6:F2} {x.F1,5:F2} {x.AlertsPer1000HostHours,10:F2} {x.MeanDelayWindows,5:F1}"));
            return 0;
        }));
        return cmd;
    }

    /// <summary>With hosts.csv (and oracle.csv) beside the labels, the zoo's figures beside the oracle's; else null.</summary>
    private static string? ZooFigures(string labelsPath, List<Evaluation.Label> labels, Dictionary<string, List<FlowSpike.Alerts.Alert>> alerts, long from, long to, long window)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(labelsPath))!;
        string hostsPath = Path.Combine(dir, "hosts.csv"), oraclePath = Path.Combine(dir, "oracle.csv");
        if (!File.Exists(hostsPath))
            return null;
        var hosts = ZooEvaluation.ReadHosts(hostsPath);
        var figures = alerts.Select(kv => ZooEvaluation.Score(kv.Key, kv.Value, labels, hosts, from, to, window)).ToList();
        if (File.Exists(oraclePath))
        {
            double tail = new FlowSpike.Baseline.RecommendedSettings().TailProbability;
            var oracle = ZooEvaluation.OracleAlerts(ZooEvaluation.ReadOracle(oraclePath), tail);
            figures.Add(ZooEvaluation.Score($"oracle (tail < {tail:G})", oracle, labels, hosts, from, to, window));
        }
        return ZooEvaluation.Markdown(figures);
    }

    private static Command LookupCommand()
    {
        var lookup = new Command("lookup", "Export or import the Splunk lookup CSV baseline_blocked_outbound_connections.");

        var state = CliOptions.State();
        var output = new Option<string>("--out", "-o") { Description = "CSV output; - is stdout.", DefaultValueFactory = _ => "-", HelpName = "FILE" };
        var export = new Command("export", "Write the lookup as Splunk CSV.") { state, output };
        export.SetAction(r => Guard(() =>
        {
            using var store = SqliteStateStore.Open(r.GetValue(state)!, mustExist: true);
            var rows = store.LoadLookup();
            string outPath = r.GetValue(output)!;
            if (outPath == "-")
            {
                LookupCsv.Write(rows, Console.Out, store.Entities);
                Console.Out.Flush();
            }
            else
            {
                // Write beside the target and rename, so a reader never sees half a file.
                string tmp = outPath + ".tmp";
                using (var w = new StreamWriter(tmp))
                    LookupCsv.Write(rows, w, store.Entities);
                File.Move(tmp, outPath, overwrite: true);
                StderrLog.Result($"exported {rows.Count} row(s) to {outPath}");
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
            using var store = SqliteStateStore.Open(r.GetValue(importState)!);
            try
            {
                using var reader = new StreamReader(path);
                rows = LookupCsv.Read(reader, path, store.Entities);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new RunException($"{path}: cannot read: {e.Message}");
            }
            catch (FormatException e)
            {
                throw new RunException(e.Message + "; nothing was imported");
            }
            store.ImportLookup(rows);
            StderrLog.Result($"imported {rows.Count} row(s) from {path}");
            return 0;
        }));

        lookup.Subcommands.Add(export);
        lookup.Subcommands.Add(import);
        return lookup;
    }

    /// <summary>Exit code of a detect whose windows committed but some of whose alerts a sink has not taken yet.</summary>
    public const int ExitHeld = 3;

    /// <summary>
    /// The closing lines of a detect: what each sink received, and what is still held. Held alerts make the exit
    /// code 3, so a scheduler sees that delivery is behind although every window committed.
    /// </summary>
    public static int DetectSummary(IRunLog log, int windows, int alerts, int held, AlertDispatcher dispatcher)
    {
        if (windows > 0)
            log.Info($"{alerts} alert(s) over {windows} window(s)");
        foreach (var (sink, n) in dispatcher.Delivered)
        {
            if (n > 0 && sink != "stdout")
                log.Info($"{n} alert(s) written to {sink}");
        }
        if (held == 0)
            return 0;
        log.Warn($"{held} alert delivery(ies) held in the state for a sink that is down or rejected them; " +
            "they are sent by the next run");
        return ExitHeld;
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
            StderrLog.Error(e.Message);
            return 1;
        }
    }
}
