using System.CommandLine;
using FlowSpike.Time;

namespace FlowSpike.Cli;

/// <summary>Option definitions shared by the commands; parsing errors name the option and the bad value.</summary>
internal static class CliOptions
{
    public static Option<string[]> Inputs()
    {
        var option = new Option<string[]>("--input", "-i")
        {
            Description = "Flow log files or folders (recursive); - reads standard input. Repeatable.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
            HelpName = "PATH",
        };
        // A mistyped option right after --input (--lisen) would otherwise be read as a path; ./--x names such a file.
        option.Validators.Add(r =>
        {
            foreach (var token in r.Tokens)
            {
                if (token.Value.StartsWith("--", StringComparison.Ordinal))
                    r.AddError($"--input: '{token.Value}' is not a path but looks like an option (write ./" +
                        $"{token.Value} for a file of that name)");
            }
        });
        return option;
    }

    public static Option<string> State() => new("--state")
    {
        Description = "The SQLite state file.",
        DefaultValueFactory = _ => "flowspike.db",
        HelpName = "FILE",
    };

    public static Option<long> Time(string name, string description) => new(name)
    {
        Description = description + " ISO 8601 UTC (2026-10-01T00:00:00Z), epoch seconds, or now-DURATION " +
            "(the current hour's start, less the duration: now-30d).",
        Required = true,
        HelpName = "TIME",
        CustomParser = r =>
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            if (TimeRange.TryParseRelative(text, now, out long t, out string? error)
                ?? TimeRange.TryParseTime(text, out t, out error))
                return t;
            r.AddError($"{name}: {error}");
            return 0;
        },
    };

    /// <summary>A duration option; its value reads as "1h" in help and converts to seconds.</summary>
    public static Option<CliDuration> Duration(string name, string description, long defaultSeconds) => new(name)
    {
        Description = description,
        HelpName = "DURATION",
        DefaultValueFactory = _ => new CliDuration(defaultSeconds),
        CustomParser = r =>
        {
            if (r.Tokens.Count == 0)
                return new CliDuration(defaultSeconds);
            string text = r.Tokens[0].Value;
            if (TimeRange.TryParseDuration(text, out long d))
                return new CliDuration(d);
            r.AddError($"{name}: '{text}' is not a duration (examples: 1h, 30m, 3600s, 1d)");
            return default;
        },
    };

    public static Option<string[]> Cidrs(string name, string description) => new(name)
    {
        Description = description + " Repeatable.",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
        HelpName = "CIDR",
    };

    public static Option<string?> LogFormat() => new("--log-format")
    {
        Description = "Field layout of header-less files, in AWS's syntax: '${version} ${account-id} ...'. Files " +
            "with a header line use their header.",
        HelpName = "FORMAT",
    };

    public static Option<string> InputFormat()
    {
        var o = new Option<string>("--input-format")
        {
            Description = "Force the input format instead of recognising it by content: text, json (CloudWatch Logs, " +
                "Firehose) or parquet (S3 Parquet, Security Lake OCSF).",
            DefaultValueFactory = _ => "auto",
            HelpName = "FORMAT",
        };
        o.AcceptOnlyFromAmong("auto", "text", "json", "parquet");
        return o;
    }

    public static Option<string?> EndpointUrl() => new("--endpoint-url")
    {
        Description = "The endpoint of every AWS service the command calls (S3 with path-style addressing, " +
            "CloudWatch Logs), as in the AWS CLI; default: AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, " +
            "or AWS itself.",
        HelpName = "URL",
    };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "Scan threads (default: all cores).",
        DefaultValueFactory = _ => Environment.ProcessorCount,
        HelpName = "N",
    };

    public static Option<bool> SkipUnsupported() => new("--skip-unsupported")
    {
        Description = "Skip Transit Gateway flow logs and other objects FlowSpike cannot read, with a count and a "
            + "warning, instead of stopping the run.",
    };

    public static Option<string?> Config() => new("--config")
    {
        Description = "A JSON config file: internal, allow_src, allow_dest (CIDR lists), log_format.",
        HelpName = "FILE",
    };

    public static Option<string> Model()
    {
        var o = new Option<string>("--model")
        {
            Description = "splunk (the ESCU search, exact; the default), or " +
            "recommended (a calibrated count model per host: its hour's expectation, its own dispersion, activity " +
            "apart from level, normal bursts, a prior for new hosts). A state keeps its model; see " +
            "docs/models.md.",
            DefaultValueFactory = _ => "splunk"
        };
        // The known names are its completions (shell completion); the validator also names a retired model.
        o.CompletionSources.Add([.. FlowSpike.Models.SpikeModels.Names]);
        o.Validators.Add(r =>
        {
            string name = r.GetValueOrDefault<string>();
            if (!FlowSpike.Models.SpikeModels.IsKnown(name))
                r.AddError(FlagNames.Render(FlowSpike.Models.SpikeModels.Unknown(name)));
        });
        return o;
    }

    public static Option<string?> Entity()
    {
        var o = new Option<string?>("--entity")
        {
            Description = "What a baseline is kept for: src_ip (the ESCU search), account+vpc+src_ip (overlapping " +
                "private ranges stay apart) or interface (the ENI). A state keeps its entity; the default is the " +
                "state's, and for a new one src_ip with the splunk model, account+vpc+src_ip with the others.",
            HelpName = "KEY",
        };
        o.AcceptOnlyFromAmong("src_ip", "account+vpc+src_ip", "interface");
        return o;
    }

    public static Option<bool> Quiet() =>
        new("--quiet", "-q") { Description = "Print only warnings and errors on stderr." };
}
