using System.Globalization;
using FlowSpike.Models;
using FlowSpike.Selection;

namespace FlowSpike.State;

/// <summary>
/// The Splunk lookup CSV (docs/spec.md §5). Export writes the table order with nulls as empty fields and doubles in
/// shortest round-trip form; import matches columns by name and validates every row before anything is replaced.
/// </summary>
internal static class LookupCsv
{
    public const string Header = "src_ip,latestCount,numDataPoints,avgBlockedConnections,stdevBlockedConnections";

    /// <summary>Models beyond the ESCU search add their per-host state (base64), so an export imports back
    /// whole.</summary>
    public const string StateColumn = "modelState";

    private static readonly string[] Columns = Header.Split(',');

    /// <summary>Writes the rows sorted by name; <paramref name="names"/> names keys beyond IPv4 sources.</summary>
    public static void Write(IEnumerable<BaselineRow> rows, TextWriter writer, EntityRegistry? names = null)
    {
        var ordered = rows.Select(r => (Ip: names is null ? r.SrcIp : names.NameOf(r.Src), Row: r)).OrderBy(r => r.Ip,
            StringComparer.Ordinal).ToList();
        bool withState = ordered.Exists(r => r.Row.ModelState is not null);
        writer.Write(Header);
        if (withState)
            writer.Write("," + StateColumn);
        writer.Write('\n');
        foreach (var (ip, row) in ordered)
        {
            writer.Write(ip);
            writer.Write(',');
            writer.Write(Format(row.LatestCount));
            writer.Write(',');
            writer.Write(Format(row.NumDataPoints));
            writer.Write(',');
            writer.Write(Format(row.Avg));
            writer.Write(',');
            writer.Write(Format(row.Stdev));
            if (withState)
            {
                writer.Write(',');
                writer.Write(row.ModelState is { } state ? Convert.ToBase64String(state) : "");
            }
            writer.Write('\n');
        }
    }

    public static string ToText(IEnumerable<BaselineRow> rows, EntityRegistry? names = null)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(rows, writer, names);
        return writer.ToString();
    }

    public static string Format(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    /// <summary>Shortest round-trip text; whole numbers have no decimal point.</summary>
    public static string Format(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    /// <summary>
    /// Parses a lookup file; a bad row throws a <see cref="FormatException"/> naming its line. With a state's
    /// <paramref name="entities"/>, names beyond IPv4 sources (IPv6 sources, entities) are numbered in it.
    /// </summary>
    public static List<BaselineRow> Read(TextReader reader, string source, EntityRegistry? entities = null)
    {
        string? header = reader.ReadLine();
        if (header is null)
            throw new FormatException($"{source}: empty file; expected the header {Header}");
        var names = SplitCsv(header.TrimStart('\uFEFF'), source, 1);
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            if (!Columns.Contains(names[i]) && names[i] != StateColumn)
                throw new FormatException($"{source}: line 1: unknown column '{names[i]}'; expected the columns " +
                    $"{Header}");
            if (!position.TryAdd(names[i], i))
                throw new FormatException($"{source}: line 1: column '{names[i]}' appears twice");
        }
        var missing = Columns.Where(c => !position.ContainsKey(c)).ToList();
        if (missing.Count > 0)
            throw new FormatException($"{source}: line 1: missing column(s) {string.Join(", ", missing)}");
        var rows = new List<BaselineRow>();
        var seen = new HashSet<uint>();
        int lineNumber = 1;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0)
                continue;
            var f = SplitCsv(line, source, lineNumber);
            if (f.Count != names.Count)
                throw new FormatException($"{source}: line {lineNumber}: expected {names.Count} fields, found " +
                    $"{f.Count}");
            string ip = f[position["src_ip"]];
            // A Splunk lookup (plain addresses) in a state keyed by entity would leave its rows as hosts no record
            // ever reaches, and relearn every host from nothing.
            if (entities is { IsIpv4Keyed: false } && System.Net.IPAddress.TryParse(ip, out _))
                throw new FormatException($"{source}: line {lineNumber}: src_ip '{ip}' is a plain address, but the " +
                    $"state is keyed by {EntityRegistry.NameOf(entities.Kind)}; import it into a src_ip state");
            if (!TryKey(ip, entities, out uint src))
                throw new FormatException(entities is { IsIpv4Keyed: false }
                    ? $"{source}: line {lineNumber}: src_ip '{ip}' is empty"
                    : $"{source}: line {lineNumber}: src_ip '{ip}' is not an IP address");
            if (!seen.Add(src))
                throw new FormatException($"{source}: line {lineNumber}: src_ip {ip} appears twice");
            rows.Add(new BaselineRow(
                src,
                ParseLong(f[position["latestCount"]], "latestCount", source, lineNumber),
                ParseLong(f[position["numDataPoints"]], "numDataPoints", source, lineNumber),
                ParseDouble(f[position["avgBlockedConnections"]], "avgBlockedConnections", source, lineNumber),
                ParseDouble(f[position["stdevBlockedConnections"]], "stdevBlockedConnections", source, lineNumber),
                position.TryGetValue(StateColumn, out int stateAt) ? ParseState(f[stateAt], source,
                    lineNumber) : null));
        }
        return rows;
    }

    private static long? ParseLong(string text, string column, string source, int line)
    {
        if (text.Length == 0)
            return null;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) && v >= 0)
            return v;
        // Splunk may write a whole number as "6.0".
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture,
            out double d) && d >= 0 && d == Math.Floor(d) && d < 9e15)
            return (long)d;
        throw new FormatException($"{source}: line {line}: {column} '{text}' is not a non-negative whole number");
    }

    private static bool TryKey(string name, EntityRegistry? entities, out uint key)
    {
        if ((entities is null || entities.IsIpv4Keyed) && Ipv4.TryParse(name, out key))
            return true;
        key = 0;
        if (entities is null || name.Length == 0)
            return false;
        if (!entities.IsIpv4Keyed)
        {
            key = entities.GetOrAdd(name);
            return true;
        }
        if (!Ipv6Cidr.TryParse(name, out var v6, out _) || v6.PrefixLength != 128)
            return false;
        key = entities.GetOrAdd(Ipv6Cidr.Format(v6.Network));
        return true;
    }

    private static byte[]? ParseState(string text, string source, int line)
    {
        if (text.Length == 0)
            return null;
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new FormatException($"{source}: line {line}: {StateColumn} is not base64");
        }
    }

    private static double? ParseDouble(string text, string column, string source, int line)
    {
        if (text.Length == 0)
            return null;
        // Both numeric columns are an average and a deviation of counts: never negative.
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            && v >= 0)
            return v;
        throw new FormatException($"{source}: line {line}: {column} '{text}' is not a non-negative number");
    }

    private static List<string> SplitCsv(string line, string source, int lineNumber)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                    quoted = false;
                else
                    current.Append(c);
            }
            else if (c == '"' && current.Length == 0)
                quoted = true;
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else if (c != '\r')
                current.Append(c);
        }
        if (quoted)
            throw new FormatException($"{source}: line {lineNumber}: unterminated quoted field");
        fields.Add(current.ToString());
        return fields;
    }
}
