using System.CommandLine;
using System.CommandLine.Help;

namespace FlowSpike.Cli;

/// <summary>The command tree: one command per file, each binding its flags and calling the library.</summary>
internal static class CommandTree
{
    /// <summary>--log-json, on every command: notes as JSON lines on stderr for log shippers.</summary>
    public static readonly Option<bool> LogJson = new("--log-json")
    {
        Description = "Write notes, warnings and errors to stderr as JSON lines (time, level, message).",
        Recursive = true,
    };

    public const string ClusterDescription = "Run on a Microsoft Orleans cluster: silos scan the inputs in parallel " +
        "and hold the baselines in shards (Redis membership and state).";

    public static Command Build()
    {
        // A plain command named flowspike, not RootCommand, so help shows the tool's name rather than the assembly's.
        var root = new Command("flowspike", "FlowSpike: finds internal hosts whose blocked outbound connections " +
            "spike in AWS VPC Flow Logs (Splunk-exact by default).")
        {
            new HelpOption(),
            new VersionOption(),
            LogJson,
        };
        root.Subcommands.Add(BaselineCommand.Build());
        root.Subcommands.Add(DetectCommand.Build());
        root.Subcommands.Add(WatchCommand.Build());
        root.Subcommands.Add(LookupCommand.Build());
        root.Subcommands.Add(ExplainCommand.Build());
        root.Subcommands.Add(ReportCommand.Build());
        root.Subcommands.Add(StateCommand.Build());
        root.Subcommands.Add(EvaluateCommand.Build());
        root.Subcommands.Add(DemoCommand.Build());
        root.Subcommands.Add(SynthCommand.Build());
#if FLOWSPIKE_LOCAL
        root.Subcommands.Add(LocalClusterCommand.Build());
#else
        root.Subcommands.Add(ClusterCommand.Build());
#endif
        root.Subcommands.Add(CompletionCommand.Build(root));
        if (root.Options.OfType<HelpOption>().Single().Action is HelpAction help)
            help.MaxWidth = HelpWidth();
        return root;
    }

    /// <summary>Help wraps to the terminal: COLUMNS, else the console's width, else 100.</summary>
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
}
