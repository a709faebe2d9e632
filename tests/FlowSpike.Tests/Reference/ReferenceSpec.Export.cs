using System.Globalization;
using System.Text;

namespace FlowSpike.Tests.Reference;

/// <summary>docs/spec.md §5: the lookup exported as CSV.</summary>
public static partial class ReferenceSpec
{
    private const string LookupHeader =
        "src_ip,latestCount,numDataPoints,avgBlockedConnections,stdevBlockedConnections";


    public static string ExportCsv(IReadOnlyDictionary<string, RefRow> lookup)
    {
        var sb = new StringBuilder();
        sb.Append(LookupHeader).Append('\n');
        foreach (var src in lookup.Keys.OrderBy(s => s, StringComparer.Ordinal))
        {
            var row = lookup[src];
            sb.Append(CsvField(src)).Append(',')
              .Append(FormatLong(row.LatestCount)).Append(',')
              .Append(FormatLong(row.NumDataPoints)).Append(',')
              .Append(FormatDouble(row.Avg)).Append(',')
              .Append(FormatDouble(row.Stdev)).Append('\n');
        }
        return sb.ToString();
    }

    private static string FormatLong(long? value) =>
        value == null ? "" : value.Value.ToString(CultureInfo.InvariantCulture);

    private static string FormatDouble(double? value) =>
        value == null ? "" : value.Value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Quotes a field only if it needs it (RFC 4180); IP addresses never do.</summary>
    private static string CsvField(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) < 0
            ? value
            : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
