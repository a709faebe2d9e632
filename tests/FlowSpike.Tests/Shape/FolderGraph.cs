using System.Text;
using System.Text.RegularExpressions;

namespace FlowSpike.Tests.Shape;

/// <summary>
/// Which folders of a C# project use which, read from the source text alone. Each folder is one namespace
/// (FlowSpike.Folder); a file uses folder B when it names one of B's top-level types either through
/// <c>using FlowSpike.B;</c> or qualified as <c>B.Type</c>. Comments and string text are skipped, and a name the
/// file's own folder also declares resolves to its own folder, as the compiler would.
/// </summary>
public sealed partial class FolderGraph
{
    private readonly Dictionary<(string From, string To), SortedSet<string>> _edges = [];

    /// <summary>Folder to the top-level types its files declare.</summary>
    public IReadOnlyDictionary<string, HashSet<string>> Types { get; }

    private FolderGraph(Dictionary<string, HashSet<string>> types) => Types = types;

    /// <summary>Each file as (folder, file name, source).</summary>
    public static FolderGraph Build(string root, IEnumerable<(string Folder, string File, string Source)> files)
    {
        var code = files.Select(f => (f.Folder, f.File, Code: CodeOnly(f.Source))).ToList();
        var types = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (folder, _, text) in code)
        {
            if (!types.TryGetValue(folder, out var set))
                types[folder] = set = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match m in TypeDeclaration().Matches(text))
                set.Add(m.Groups["name"].Value);
        }
        var graph = new FolderGraph(types);
        foreach (var (folder, file, text) in code)
        {
            var usings = Using().Matches(text).Where(m => m.Groups["root"].Value == root)
                .Select(m => m.Groups["ns"].Value).ToHashSet(StringComparer.Ordinal);
            foreach (var (other, declared) in types)
            {
                if (other == folder)
                    continue;
                foreach (string type in declared)
                {
                    if (types[folder].Contains(type))
                        continue;
                    bool bare = usings.Contains(other) && Regex.IsMatch(text, $@"(?<![\w.]){type}\b");
                    bool qualified = Regex.IsMatch(text, $@"(?<![\w.]){other}\.{type}\b|\b{root}\.{other}\.{type}\b");
                    if (bare || qualified)
                        graph.Add(folder, other, $"{file} uses {type}");
                }
            }
        }
        return graph;
    }

    private void Add(string from, string to, string why)
    {
        if (!_edges.TryGetValue((from, to), out var set))
            _edges[(from, to)] = set = new SortedSet<string>(StringComparer.Ordinal);
        set.Add(why);
    }

    public bool DependsOn(string from, string to) => _edges.ContainsKey((from, to));

    /// <summary>Evidence of one direction: which file uses which type.</summary>
    public IReadOnlyCollection<string> Why(string from, string to) =>
        _edges.TryGetValue((from, to), out var set) ? set : [];

    /// <summary>Every pair of folders that depend on each other, each described with the evidence both ways.</summary>
    public IReadOnlyList<string> Cycles() =>
    [
        .. _edges.Keys
            .Where(e => string.CompareOrdinal(e.From, e.To) < 0 && _edges.ContainsKey((e.To, e.From)))
            .OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal)
            .Select(e => $"{e.From} <-> {e.To}: {e.From} -> {e.To} ({string.Join(", ", Why(e.From, e.To))}); " +
                $"{e.To} -> {e.From} ({string.Join(", ", Why(e.To, e.From))})"),
    ];

    /// <summary>
    /// The source with comments removed and string and character literals emptied, keeping the code inside
    /// interpolation holes, so only code can name a type.
    /// </summary>
    public static string CodeOnly(string source)
    {
        var code = new StringBuilder(source.Length);
        int i = 0;
        Code(source, ref i, code, stopAtBrace: false);
        return code.ToString();
    }

    private static void Code(string s, ref int i, StringBuilder code, bool stopAtBrace)
    {
        int depth = 0;
        while (i < s.Length)
        {
            char c = s[i];
            if (c == '/' && At(s, i + 1, '/'))
            {
                while (i < s.Length && s[i] != '\n')
                    i++;
            }
            else if (c == '/' && At(s, i + 1, '*'))
            {
                int end = s.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? s.Length : end + 2;
            }
            else if (c == '\'')
            {
                i++;
                while (i < s.Length && s[i] != '\'')
                    i += s[i] == '\\' ? 2 : 1;
                i++;
                code.Append("' '");
            }
            else if (c is '"' or '$' or '@' && StringStart(s, i) is var (length, verbatim, interpolated, raw)
                && length > 0)
            {
                i += length;
                Literal(s, ref i, code, verbatim, interpolated, raw);
                code.Append("\"\"");
            }
            else if (stopAtBrace && c == '}' && depth == 0)
            {
                i++;
                return;
            }
            else
            {
                depth += c == '{' ? 1 : c == '}' ? -1 : 0;
                code.Append(c);
                i++;
            }
        }
    }

    /// <summary>The length of a string literal's opening (", @", $", $@", """...), or 0 if none starts here.</summary>
    private static (int Length, bool Verbatim, bool Interpolated, int Raw) StringStart(string s, int i)
    {
        int j = i;
        bool verbatim = false, interpolated = false;
        while (j < s.Length && s[j] is '$' or '@')
        {
            verbatim |= s[j] == '@';
            interpolated |= s[j] == '$';
            j++;
        }
        if (!At(s, j, '"') || (j > i && i > 0 && (char.IsLetterOrDigit(s[i - 1]) || s[i - 1] == '_')))
            return (0, false, false, 0);
        int quotes = 0;
        while (At(s, j + quotes, '"'))
            quotes++;
        if (quotes >= 3)
            return (j - i + quotes, false, interpolated, quotes);
        return (j - i + 1, verbatim, interpolated, 0);
    }

    private static void Literal(string s, ref int i, StringBuilder code, bool verbatim, bool interpolated, int raw)
    {
        while (i < s.Length)
        {
            char c = s[i];
            if (raw > 0 && c == '"' && s.AsSpan(i).StartsWith(new string('"', raw), StringComparison.Ordinal))
            {
                i += raw;
                return;
            }
            if (raw == 0 && !verbatim && c == '\\')
            {
                i += 2;
                continue;
            }
            if (raw == 0 && c == '"')
            {
                if (verbatim && At(s, i + 1, '"'))
                {
                    i += 2;
                    continue;
                }
                i++;
                return;
            }
            if (interpolated && c == '{')
            {
                if (raw == 0 && At(s, i + 1, '{'))
                {
                    i += 2;
                    continue;
                }
                i++;
                code.Append(' ');
                Code(s, ref i, code, stopAtBrace: true);
                code.Append(' ');
                continue;
            }
            i++;
        }
    }

    private static bool At(string s, int i, char c) => i < s.Length && s[i] == c;

    [GeneratedRegex(
        @"^(?:(?:public|internal|private|protected|sealed|static|abstract|partial|readonly|file|unsafe|ref)\s+)*" +
        @"(?:class|struct|interface|enum|record(?:\s+struct|\s+class)?)\s+(?<name>\w+)", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(?<root>\w+)\.(?<ns>\w+)\b",
        RegexOptions.Multiline)]
    private static partial Regex Using();
}
