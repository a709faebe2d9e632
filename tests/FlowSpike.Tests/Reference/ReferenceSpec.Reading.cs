using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace FlowSpike.Tests.Reference;

/// <summary>Reading flow-log files (plain or gzip, with or without a header) into records.</summary>
public static partial class ReferenceSpec
{
    /// <summary>Field names of the default (header-less) format, in order.</summary>
    private static readonly string[] DefaultFormat =
    [
        "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
        "protocol", "packets", "bytes", "start", "end", "action", "log-status",
    ];


    public static List<RefRecord> ReadFile(string path)
    {
        var lines = ReadAllLines(path);
        var records = new List<RefRecord>();

        string[]? fields = null; // field names, decided by the first non-empty line
        foreach (var line in lines)
        {
            var tokens = SplitTokens(line);
            if (tokens.Length == 0)
                continue; // blank line

            if (fields == null)
            {
                if (tokens[0] == "version" || tokens.Contains("srcaddr"))
                {
                    fields = tokens; // header line: names the fields, is not a record
                    continue;
                }
                fields = DefaultFormat; // no header: this line is already a record
            }

            if (tokens.Length != fields.Length)
                continue;

            var start = Field(fields, tokens, "start", null);
            var style = NumberStyles.AllowLeadingSign;
            if (start == null || !long.TryParse(start, style, CultureInfo.InvariantCulture, out var startValue))
                continue;

            records.Add(new RefRecord(
                Start: startValue,
                SrcAddr: Field(fields, tokens, "srcaddr", "-")!,
                DstAddr: Field(fields, tokens, "dstaddr", "-")!,
                Action: Field(fields, tokens, "action", "-")!,
                InterfaceId: Field(fields, tokens, "interface-id", "-")!,
                LogStatus: Field(fields, tokens, "log-status", "OK")!));
        }
        return records;
    }

    public static List<RefRecord> ReadDirectory(string dir)
    {
        var files = Directory.GetFiles(dir, "*", SearchOption.AllDirectories).ToList();
        files.Sort(StringComparer.Ordinal);
        var all = new List<RefRecord>();
        foreach (var file in files)
            all.AddRange(ReadFile(file));
        return all;
    }

    private static List<string> ReadAllLines(string path)
    {
        using Stream file = File.OpenRead(path);
        using Stream data = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionMode.Decompress)
            : file;
        using var reader = new StreamReader(data, Encoding.UTF8);
        var lines = new List<string>();
        string? line;
        while ((line = reader.ReadLine()) != null)
            lines.Add(line);
        return lines;
    }

    private static string[] SplitTokens(string line) =>
        line.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// The token of the column named <paramref name="name"/> (first such column), or <paramref name="missing"/> if
    /// there is none.
    /// </summary>
    private static string? Field(string[] fields, string[] tokens, string name, string? missing)
    {
        var index = Array.IndexOf(fields, name);
        return index < 0 ? missing : tokens[index];
    }
}
