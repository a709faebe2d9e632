using System.CommandLine;
using FlowSpike.Runs;

namespace FlowSpike.Cli;

/// <summary>
/// The flags every scanning command shares, bound to <see cref="JobSettings"/>: only a flag the user typed is set, so
/// the library applies the config file, the model's defaults and its own defaults, in that order.
/// </summary>
internal sealed class JobFlags(bool range = true)
{
    public Option<string[]> Input { get; } = CliOptions.Inputs();
    public Option<string> State { get; } = CliOptions.State();
    public Option<string?> LogFormat { get; } = CliOptions.LogFormat();
    public Option<string> InputFormat { get; } = CliOptions.InputFormat();
    public Option<string?> EndpointUrl { get; } = CliOptions.EndpointUrl();
    public Option<string[]> Internal { get; } =
        CliOptions.Cidrs("--internal", "Internal networks, replacing the RFC1918 default.");
    public Option<int> Threads { get; } = CliOptions.Threads();
    public Option<bool> SkipUnsupported { get; } = CliOptions.SkipUnsupported();
    public Option<string?> Config { get; } = CliOptions.Config();
    public Option<bool> Quiet { get; } = CliOptions.Quiet();
    public Option<string> Model { get; } = CliOptions.Model();
    public Option<string?> Entity { get; } = CliOptions.Entity();
    public Option<bool?> ZeroFill { get; } = Rule("--zero-fill", "Quiet windows are data points with count 0.");
    public Option<bool?> TestFirst { get; } =
        Rule("--test-first", "Test the count against the baseline before it enters it.");
    public Option<bool?> AutoLearn { get; } = Rule("--auto-learn",
        "Hosts not in the baseline learn on first sight, with no separate baseline run.");
    public Option<bool?> Seasonal { get; } =
        Rule("--seasonal", "Test against the host's hour-of-week profile too (recommended model).");
    public Option<long?> MinCount { get; } = new("--min-count")
    {
        Description = "The fewest blocked records that can be a spike (recommended model; default 5).",
        HelpName = "N",
    };
    public Option<double?> TailProbability { get; } = new("--tail-probability")
    {
        Description = "A count this unlikely under the host's own count model is a spike " +
            "(recommended model; default 1e-4).",
        HelpName = "P",
    };
    public Option<bool?> Ipv6 { get; } = new("--ipv6")
    {
        Description = "Count IPv6 sources in fc00::/7 (unique local) and any IPv6 --internal networks as internal. " +
            "Off in the splunk model (the ESCU search ignores IPv6), on in the others; --ipv6 false turns it off.",
        Arity = ArgumentArity.ZeroOrOne,
    };
    public Option<long> From { get; } = CliOptions.Time("--from", "Start of the range (inclusive, aligned).");
    public Option<long> To { get; } = CliOptions.Time("--to", "End of the range (exclusive, aligned).");

    private static Option<bool?> Rule(string name, string description) => new(name)
    {
        Description = description + " A rule of the recommended model, on by default there; --" + name[2..] +
            " false turns it off.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public void AddTo(Command c)
    {
        if (range)
        {
            c.Options.Add(From);
            c.Options.Add(To);
        }
        Option[] all =
        [
            Input, State, Model, Entity, Ipv6, ZeroFill, TestFirst, AutoLearn, Seasonal, MinCount, TailProbability,
            LogFormat, InputFormat, EndpointUrl, Internal, Threads, SkipUnsupported, Config, Quiet,
        ];
        foreach (var o in all)
            c.Options.Add(o);
    }

    /// <summary>The settings these flags give, added to <paramref name="s"/>.</summary>
    public JobSettings Bind(ParseResult r, JobSettings? s = null) => (s ?? new JobSettings()) with
    {
        Inputs = Given.Ref(r, Input),
        State = Given.Ref(r, State),
        LogFormat = Given.Ref(r, LogFormat),
        InputFormat = Given.Ref(r, InputFormat),
        EndpointUrl = Given.Ref(r, EndpointUrl),
        Internal = Given.Ref(r, Internal),
        Threads = Given.Val(r, Threads),
        SkipUnsupported = Given.Val(r, SkipUnsupported),
        Model = Given.Ref(r, Model),
        Entity = Given.Ref(r, Entity),
        ZeroFill = Given.Flag(r, ZeroFill),
        TestFirst = Given.Flag(r, TestFirst),
        AutoLearn = Given.Flag(r, AutoLearn),
        Seasonal = Given.Flag(r, Seasonal),
        MinCount = Given.Nullable(r, MinCount),
        TailProbability = Given.Nullable(r, TailProbability),
        Ipv6 = Given.Flag(r, Ipv6),
        From = range ? Given.Val(r, From) : s?.From,
        To = range ? Given.Val(r, To) : s?.To,
    };

    public FlowSpikeConfig LoadConfig(ParseResult r) =>
        r.GetValue(Config) is { } path ? FlowSpikeConfig.Load(path) : new FlowSpikeConfig();

    public StderrLog Log(ParseResult r) => new(r.GetValue(Quiet));
}
