using System.CommandLine;
using System.CommandLine.Completions;
using System.Text;

namespace FlowSpike.Cli;

/// <summary>
/// `flowspike completion bash|zsh|fish`: a completion script made from the command tree itself, so it never falls
/// behind the commands and options. Options with a fixed set of values complete to those values.
/// </summary>
internal static class CompletionCommand
{
    public static Command Build(Command root)
    {
        var shell = new Argument<string>("SHELL") { Description = "bash, zsh or fish." };
        shell.AcceptOnlyFromAmong("bash", "zsh", "fish");
        var cmd = new Command("completion", "Print a shell completion script: source <(flowspike completion bash).")
        {
            shell,
        };
        cmd.SetAction(r =>
        {
            Console.Out.Write(r.GetValue(shell) switch
            {
                "fish" => Fish(root),
                "zsh" => "autoload -U +X bashcompinit && bashcompinit\n" + Bash(root),
                _ => Bash(root),
            });
            return 0;
        });
        return cmd;
    }

    /// <summary>Every command path ("", "cluster", "cluster detect") with its command.</summary>
    private static IEnumerable<(string Path, Command Command)> Walk(Command c, string path = "")
    {
        yield return (path, c);
        foreach (var sub in c.Subcommands)
        {
            foreach (var x in Walk(sub, path.Length == 0 ? sub.Name : path + " " + sub.Name))
                yield return x;
        }
    }

    private static IEnumerable<string> OptionNames(Command c) =>
        c.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name))
            .Where(n => n.StartsWith('-') && n != "-?").Distinct(StringComparer.Ordinal);

    /// <summary>The fixed values of an option that takes one (switches take none).</summary>
    private static List<string> Values(Option o) =>
        o.ValueType == typeof(bool) || o.ValueType == typeof(bool?) ? [] :
        [.. o.GetCompletions(CompletionContext.Empty).Select(i => i.Label)
            .Where(l => !l.StartsWith('-')).Distinct(StringComparer.Ordinal)];

    private static string Bash(Command root)
    {
        var sb = new StringBuilder();
        sb.Append("# flowspike completion for bash: source <(flowspike completion bash)\n");
        sb.Append("_flowspike() {\n");
        sb.Append("  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" path=\"\" i w " +
            "words\n");
        sb.Append("  for ((i = 1; i < COMP_CWORD; i++)); do\n");
        sb.Append("    w=\"${COMP_WORDS[i]}\"\n");
        sb.Append("    [[ $w == -* ]] && break\n");
        sb.Append("    path=\"${path:+$path }$w\"\n");
        sb.Append("  done\n");
        sb.Append("  case \"$prev\" in\n");
        var valued = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (_, c) in Walk(root))
        {
            foreach (var o in c.Options)
            {
                var values = Values(o);
                if (values.Count > 0)
                    valued[o.Name] = values;
            }
        }
        foreach (var (name, values) in valued)
            sb.Append($"    {name}) COMPREPLY=($(compgen -W \"{string.Join(' ', values)}\" -- \"$cur\")); return ;;\n");
        sb.Append("  esac\n");
        sb.Append("  case \"$path\" in\n");
        foreach (var (path, c) in Walk(root))
        {
            var words = c.Subcommands.Where(s => !s.Hidden).Select(s => s.Name).Concat(OptionNames(c));
            sb.Append($"    \"{(path.Length == 0 ? "" : path)}\") words=\"{string.Join(' ', words)}\" ;;\n");
        }
        sb.Append("    *) words=\"\" ;;\n");
        sb.Append("  esac\n");
        sb.Append("  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n");
        sb.Append("}\n");
        sb.Append("complete -o default -F _flowspike flowspike\n");
        return sb.ToString();
    }

    private static string Fish(Command root)
    {
        var sb = new StringBuilder("# flowspike completion for fish: flowspike completion fish | source\n");
        sb.Append("complete -c flowspike -f\n");
        foreach (var (path, c) in Walk(root))
        {
            string condition = path.Length == 0
                ? "__fish_use_subcommand"
                : "__fish_seen_subcommand_from " + path.Split(' ')[^1];
            foreach (var sub in c.Subcommands.Where(s => !s.Hidden))
                sb.Append($"complete -c flowspike -n '{condition}' -a {sub.Name} -d {Quote(sub.Description)}\n");
            if (path.Length == 0)
                continue;
            foreach (var o in c.Options.Where(o => !o.Hidden && o.Name.StartsWith("--", StringComparison.Ordinal)))
            {
                var values = Values(o);
                string args = values.Count > 0 ? $" -x -a {Quote(string.Join(' ', values))}" : " -r -F";
                sb.Append($"complete -c flowspike -n '{condition}' -l {o.Name[2..]}{args} -d {Quote(o.Description)}\n");
            }
        }
        return sb.ToString();
    }

    private static string Quote(string? text)
    {
        string s = (text ?? "").Split('.', 2)[0];
        return "'" + s.Replace("'", "\\'", StringComparison.Ordinal) + "'";
    }
}
