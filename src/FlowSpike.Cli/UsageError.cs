using System.CommandLine;

namespace FlowSpike.Cli;

/// <summary>
/// A command line that does not parse: one line that says what is wrong (with the nearest option for a typo) and a
/// hint to --help, instead of the whole help text. Exit code 2, as usage errors have.
/// </summary>
internal static partial class UsageError
{
    public const int ExitCode = 2;

    public static int Report(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        // One line: System.CommandLine lists allowed values on lines of their own.
        string message = string.Join(' ', parse.Errors[0].Message.Split('\n', StringSplitOptions.TrimEntries |
            StringSplitOptions.RemoveEmptyEntries)).Replace("one of: ", "one of ", StringComparison.Ordinal);
        // "Cannot parse argument 'abc' for option '--threads' as expected type 'System.Int32'" in the user's words.
        if (CannotParse().Match(message) is { Success: true } m)
            message = $"{m.Groups["option"].Value}: '{m.Groups["value"].Value}' is not {Kind(m.Groups["type"].Value)}";
        var unknown = parse.UnmatchedTokens.FirstOrDefault();
        if (unknown is not null && unknown.StartsWith('-') && Nearest(command, unknown) is { } near)
            message = $"unknown option '{unknown}'; did you mean {near}?";
        else if (unknown is not null && !unknown.StartsWith('-') && command.Subcommands.Count > 0)
            message = $"unknown command '{unknown}' (commands: " +
                $"{string.Join(", ", command.Subcommands.Select(s => s.Name))})";
        StderrLog.Error(message.TrimEnd('.'));
        Console.Error.WriteLine($"Try '{Path(parse)} --help' for the options.");
        return ExitCode;
    }

    [System.Text.RegularExpressions.GeneratedRegex(
        "^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'")]
    private static partial System.Text.RegularExpressions.Regex CannotParse();

    private static string Kind(string type) => type switch
    {
        "System.Int32" or "System.Int64" or "System.UInt32" or "System.UInt64" => "a whole number",
        "System.Double" or "System.Single" or "System.Decimal" => "a number",
        "System.Boolean" => "true or false",
        _ => "a valid value",
    };

    private static string Path(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Add(r.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>The option whose name is closest to a mistyped one, within two edits.</summary>
    private static string? Nearest(Command command, string typed)
    {
        string? best = null;
        int bestDistance = 3;
        foreach (var o in command.Options)
        {
            foreach (string name in o.Aliases.Prepend(o.Name))
            {
                int d = Distance(typed, name);
                if (d < bestDistance)
                {
                    bestDistance = d;
                    best = name;
                }
            }
        }
        return best;
    }

    private static int Distance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
            row[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
