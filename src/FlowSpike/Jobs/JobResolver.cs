using FlowSpike.Alerts;
using FlowSpike.Aws;
using FlowSpike.Delivery;
using FlowSpike.Models;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.Selection;
using FlowSpike.Time;

namespace FlowSpike.Jobs;

/// <summary>
/// The decisions every job shares, made once: which model, its defaults, the inputs, the rules and the alert policy.
/// Each refusal names the setting (<see cref="Setting"/>), so a front end can name its own flag.
/// </summary>
internal static class JobResolver
{
    private static string Name(string property) => Setting.Name(property);

    public static string Model(JobSettings s)
    {
        string model = s.Model ?? JobDefaults.Model;
        return SpikeModels.IsKnown(model) ? model : throw new RunException(SpikeModels.Unknown(model));
    }

    /// <summary>The entity keying asked for; null keeps a state's own (the model's default for a new state).</summary>
    public static EntityKind? Entity(JobSettings s) => s.Entity is not { } name ? null
        : EntityRegistry.TryParseKind(name, out var kind) ? kind
        : throw new RunException($"{Name(nameof(JobSettings.Entity))}: unknown '{name}' " +
            "(known: src_ip, account+vpc+src_ip, interface)");

    public static InputOptions Input(JobSettings s, FlowSpikeConfig config, string model, bool requireInputs = true)
    {
        var inputs = s.Inputs ?? [];
        if (requireInputs && inputs.Count == 0)
            throw new RunException($"{Name(nameof(JobSettings.Inputs))}: give at least one file, folder, s3:// or " +
                $"cwl://");
        string? format = s.LogFormat ?? config.LogFormat;
        var layout = FlowLayout.Default;
        if (format is not null && !FlowLayout.TryFromFormatString(format, out layout, out string? error))
            throw new RunException($"{Name(nameof(JobSettings.LogFormat))}: {error}");
        var nets = s.Internal is { Count: > 0 } given ? given
            : config.Internal.Count > 0 ? config.Internal : CidrSet.Rfc1918;
        var internalNets = Cidrs(nets, nameof(JobSettings.Internal), allowIpv6: true);
        if (s.Ipv6 ?? ModelDefaults.For(model).CountsIpv6)
            internalNets = internalNets.WithUniqueLocal();
        int threads = s.Threads ?? JobDefaults.Threads;
        if (threads < 1)
            throw new RunException($"{Name(nameof(JobSettings.Threads))} must be at least 1 (got {threads})");
        string inputFormat = s.InputFormat ?? JobDefaults.InputFormat;
        if (!Enum.TryParse<InputFormat>(inputFormat, ignoreCase: true, out var parsed) || int.TryParse(inputFormat,
            out _))
        {
            throw new RunException($"{Name(nameof(JobSettings.InputFormat))}: unknown '{inputFormat}' " +
                "(known: auto, text, json, parquet)");
        }
        return new InputOptions
        {
            Inputs = [.. inputs],
            FallbackLayout = layout!,
            Format = parsed,
            // --endpoint-url applies to every service a command calls, as in the AWS CLI.
            S3 = S3Settings.FromEnvironment(s.EndpointUrl),
            Logs = new CloudWatchLogsSource.Settings
            {
                Endpoint = AwsEnvironment.EndpointFor("logs", s.EndpointUrl, m => new RunException(m)),
            },
            Internal = internalNets,
            Threads = threads,
            SkipUnsupported = s.SkipUnsupported ?? false,
        };
    }

    /// <summary>The rules of the models beyond the ESCU search; refused with the splunk model, which has
    /// none.</summary>
    public static RecommendedSettings? Rules(JobSettings s, string model)
    {
        var given = new (string Name, bool Set)[]
        {
            (nameof(JobSettings.ZeroFill), s.ZeroFill is not null),
            (nameof(JobSettings.TestFirst), s.TestFirst is not null),
            (nameof(JobSettings.AutoLearn), s.AutoLearn is not null),
            (nameof(JobSettings.Seasonal), s.Seasonal is not null),
            (nameof(JobSettings.MinCount), s.MinCount is not null),
            (nameof(JobSettings.TailProbability), s.TailProbability is not null),
        };
        var defaults = ModelDefaults.For(model).Rules;
        if (defaults is null)
        {
            foreach (var (name, set) in given)
            {
                if (set)
                {
                    throw new RunException($"{Name(name)} is a rule of the recommended model; " +
                        "the splunk model is the ESCU search's, exactly");
                }
            }
            return null;
        }
        var rules = defaults with
        {
            ZeroFill = s.ZeroFill ?? defaults.ZeroFill,
            TestFirst = s.TestFirst ?? defaults.TestFirst,
            AutoLearn = s.AutoLearn ?? defaults.AutoLearn,
            Seasonal = s.Seasonal ?? defaults.Seasonal,
            MinCount = s.MinCount ?? defaults.MinCount,
            TailProbability = s.TailProbability ?? defaults.TailProbability,
        };
        if (rules.MinCount < 1)
            throw new RunException($"{Name(nameof(JobSettings.MinCount))} must be at least 1 (got {rules.MinCount})");
        if (!(rules.TailProbability is > 0 and <= 1))
        {
            throw new RunException($"{Name(nameof(JobSettings.TailProbability))} must be in (0, 1] " +
                $"(got {rules.TailProbability})");
        }
        return rules;
    }

    /// <summary>Thresholds, allowlists (the config's plus the settings'), suppression, history and rollout.</summary>
    public static AlertPolicy Policy(JobSettings s, FlowSpikeConfig config, string model)
    {
        var settings = new SpikeSettings
        {
            DeviationThreshold = s.DeviationThreshold ?? SpikeSettings.Default.DeviationThreshold,
            DataPointThreshold = s.DataPointThreshold ?? SpikeSettings.Default.DataPointThreshold,
            Weight = s.Weight ?? SpikeSettings.Default.Weight,
        };
        if (settings.Validate() is { } bad)
            throw new RunException(bad);
        string? window = s.Suppress ?? config.Suppress.GetValueOrDefault("window");
        long suppressSeconds = 0;
        if (window is not null && !TimeRange.TryParseDuration(window, out suppressSeconds))
        {
            throw new RunException($"{Name(nameof(JobSettings.Suppress))}: '{window}' is not a duration " +
                "(examples: 4h, 14400s)");
        }
        string key = s.SuppressKey ?? config.Suppress.GetValueOrDefault("key") ?? JobDefaults.SuppressKey;
        var suppressionKey = key switch
        {
            "src_ip" => SuppressionKey.SrcIp,
            "src_ip+resources" => SuppressionKey.SrcIpAndResources,
            _ => throw new RunException($"{Name(nameof(JobSettings.SuppressKey))}: unknown '{key}' " +
                "(known: src_ip, src_ip+resources)"),
        };
        double? share = s.RolloutShare ?? ModelDefaults.For(model).RolloutShare;
        if (share is < 0 or > 1 || share is { } x && !double.IsFinite(x))
            throw new RunException($"{Name(nameof(JobSettings.RolloutShare))} must be in [0, 1] (got {share})");
        long retention = s.HistoryRetentionSeconds ?? JobDefaults.HistoryRetentionSeconds;
        if (retention < 0)
        {
            throw new RunException($"{Name(nameof(JobSettings.HistoryRetentionSeconds))} must not be negative " +
                $"(got {retention}s)");
        }
        return new AlertPolicy
        {
            Settings = settings,
            Filter = new AlertFilter(
                Cidrs([.. config.AllowSrc, .. s.AllowSrc ?? []], nameof(JobSettings.AllowSrc)),
                Cidrs([.. config.AllowDest, .. s.AllowDest ?? []], nameof(JobSettings.AllowDest))),
            Suppression = new Suppression(suppressSeconds, suppressionKey),
            HistoryRetentionSeconds = retention,
            KeepHistory = retention > 0,
            Model = model,
            Rollout = share is > 0 ? new RolloutAwareness(share.Value, Group: s.RolloutGroup ?? false) : null,
            Rules = Rules(s, model),
        };
    }

    /// <summary>The config's sinks, plus the Output file (standard output when nothing else is configured).</summary>
    public static IReadOnlyList<SinkSpec> Sinks(JobSettings s, FlowSpikeConfig config)
    {
        string format = s.OutputFormat ?? JobDefaults.OutputFormat;
        if (format is not ("jsonl" or "ocsf" or "asff" or "csv"))
        {
            throw new RunException($"{Name(nameof(JobSettings.OutputFormat))}: unknown '{format}' " +
                "(known: jsonl, ocsf, asff, csv)");
        }
        var sinks = new List<SinkSpec>(config.Sinks);
        if (s.Output is not null || sinks.Count == 0)
        {
            sinks.Add(new SinkSpec("file",
                new Dictionary<string, string> { ["path"] = s.Output ?? "-", ["format"] = format }));
        }
        return sinks;
    }

    /// <summary>
    /// A file sink that is one of the local inputs (however spelled, or a hard link to it), or lies inside an input
    /// folder, is refused before anything is written: the alerts would go into the flow logs and be read back as
    /// records by the next run.
    /// </summary>
    public static void OutputsApart(IReadOnlyList<string> inputs, IReadOnlyList<SinkSpec> sinks, bool outputGiven)
    {
        for (int i = 0; i < sinks.Count; i++)
        {
            if (sinks[i].Type != "file" || sinks[i].Get("path") is not { } path || path == "-")
                continue;
            string setting = outputGiven && i == sinks.Count - 1 ? Name(nameof(JobSettings.Output))
                : $"sink {i + 1} (file)";
            Apart(inputs, path, setting, "the alerts would be written among the flow logs and read back as records; " +
                "write them elsewhere");
        }
    }

    /// <summary>Refuses a state file that is an input or inside an input folder: the run would read its own
    /// database, journal and lock as flow logs.</summary>
    public static void StateApart(IReadOnlyList<string> inputs, string state) =>
        Apart(inputs, state, Name(nameof(JobSettings.State)), "the run would read its own database, journal and " +
            "lock as flow logs; keep the state elsewhere");

    private static void Apart(IReadOnlyList<string> inputs, string path, string setting, string why)
    {
        string output = Real(path);
        string? node = FileIdentity.DeviceAndInode(output);
        foreach (string input in inputs)
        {
            if (input == "-" || input.Contains("://", StringComparison.Ordinal))
                continue;
            string real = Real(input);
            bool same = real == output || (node is not null && node == FileIdentity.DeviceAndInode(real));
            bool inside = !same && Directory.Exists(real)
                && output.StartsWith(Path.TrimEndingDirectorySeparator(real) + Path.DirectorySeparatorChar,
                    StringComparison.Ordinal);
            if (same || inside)
            {
                throw new RunException($"{setting}: '{path}' is " + (same ? $"the input '{input}'"
                    : $"inside the input folder '{input}'") + "; " + why);
            }
        }
    }

    /// <summary>The real path of a file that may not exist yet: its folder resolved, then its name.</summary>
    private static string Real(string path)
    {
        if (FileIdentity.TryResolve(path, out _) is { } real)
            return real;
        string full = Path.GetFullPath(path);
        return Path.GetDirectoryName(full) is { } dir ? Path.Join(FileIdentity.Canonical(dir), Path.GetFileName(full))
            : full;
    }

    public static AsffOptions Asff(FlowSpikeConfig config) => new()
    {
        AwsAccountId = config.Asff.GetValueOrDefault("account"),
        Region = config.Asff.GetValueOrDefault("region") ?? "us-east-1",
        ProductArn = config.Asff.GetValueOrDefault("product_arn"),
    };

    public static long Range(long? value, string property) =>
        value ?? throw new RunException($"{Name(property)} is required");

    public static long Size(long? value, long fallback, string property) => value switch
    {
        null => fallback,
        > 0 => value.Value,
        _ => throw new RunException($"{Name(property)} must be positive (got {value}s)"),
    };

    /// <summary>
    /// Networks as <see cref="CidrSet.Parse"/> reads them (IPv4 only unless <paramref name="allowIpv6"/>).
    /// </summary>
    public static CidrSet Cidrs(IEnumerable<string> cidrs, string property, bool allowIpv6 = false)
    {
        try
        {
            return allowIpv6 ? CidrSet.Parse(cidrs) : new CidrSet([.. cidrs.Select(Ipv4Cidr.Parse)]);
        }
        catch (FormatException e)
        {
            throw new RunException($"{Name(property)}: {e.Message}");
        }
    }
}
