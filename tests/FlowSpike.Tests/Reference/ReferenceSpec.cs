// Plain reference implementation of docs/spec.md, written from the spec alone.
// It is deliberately simple (strings, Split, LINQ, Dictionary) so that it is easy to check by eye;
// the tests compare the fast production code against it. Speed is not a goal here.

using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FlowSpike.Tests.Reference;

/// <summary>One VPC flow log record, reduced to the fields the detection uses.</summary>
public sealed record RefRecord(long Start, string SrcAddr, string DstAddr, string Action, string InterfaceId,
    string LogStatus);

/// <summary>One row of the lookup <c>baseline_blocked_outbound_connections</c>; null = empty field.</summary>
public sealed record RefRow(string SrcIp, long? LatestCount, long? NumDataPoints, double? Avg, double? Stdev);

/// <summary>One alert: a spiking src_ip in one window.</summary>
public sealed record RefAlert(long WindowStart, long WindowEnd, string SrcIp, long BlockedConnections,
    long UniqueDestConnections,
    string[] BlockedDestIps, string[] ResourceIds, long LatestCount, long NumDataPoints, double Avg, double Stdev,
        double Threshold);

public static class ReferenceSpec
{
    /// <summary>Field names of the default (header-less) format, in order.</summary>
    private static readonly string[] DefaultFormat =
    [
        "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
        "protocol", "packets", "bytes", "start", "end", "action", "log-status",
    ];

    private static readonly string[] DefaultInternalCidrs = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

    private const string LookupHeader =
        "src_ip,latestCount,numDataPoints,avgBlockedConnections,stdevBlockedConnections";

    // ------------------------------------------------------------------------------------------
    // Reading files
    // ------------------------------------------------------------------------------------------

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
            if (start == null
                || !long.TryParse(start, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture,
                    out var startValue))
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

    /// <summary>The token of the column named <paramref name="name"/> (first such column), or
    /// <paramref name="missing"/> if there is none.</summary>
    private static string? Field(string[] fields, string[] tokens, string name, string? missing)
    {
        var index = Array.IndexOf(fields, name);
        return index < 0 ? missing : tokens[index];
    }

    // ------------------------------------------------------------------------------------------
    // docs/spec.md §1: which records count
    // ------------------------------------------------------------------------------------------

    public static bool Counts(RefRecord r, IReadOnlyList<string>? internalCidrs = null)
    {
        var internalNets = ParseCidrs(internalCidrs ?? DefaultInternalCidrs);

        if (r.Action != "REJECT")
            return false;

        // srcaddr: IPv4, inside an internal network.
        var src = ParseIp(r.SrcAddr);
        if (src == null || src.AddressFamily != AddressFamily.InterNetwork)
            return false;
        if (!internalNets.Any(net => net.Contains(src)))
            return false;

        // dstaddr: a valid IP; if IPv4, not inside an internal network.
        var dst = ParseIp(r.DstAddr);
        if (dst == null)
            return false;
        if (dst.AddressFamily == AddressFamily.InterNetwork && internalNets.Any(net => net.Contains(dst)))
            return false;

        return true;
    }

    /// <summary>
    /// Parses an address in ordinary text form, or returns null.
    /// IPv4: exactly four dot-separated decimal octets 0..255, each "0" or without leading zeros
    /// (leading zeros are rejected because IPAddress.TryParse would read them as octal).
    /// IPv6: contains ':' and IPAddress.TryParse accepts it.
    /// </summary>
    private static IPAddress? ParseIp(string text)
    {
        if (!IPAddress.TryParse(text, out var address))
            return null;

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var parts = text.Split('.');
            if (parts.Length != 4)
                return null;
            foreach (var part in parts)
            {
                if (part.Length == 0 || part.Length > 3 || !part.All(c => c >= '0' && c <= '9'))
                    return null;
                if (part.Length > 1 && part[0] == '0')
                    return null;
                if (int.Parse(part, CultureInfo.InvariantCulture) > 255)
                    return null;
            }
            return address;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return text.Contains(':') ? address : null;

        return null;
    }

    /// <summary>A network "address/prefix" (a bare address means a single host).</summary>
    private sealed record Cidr(byte[] Network, int PrefixLength, AddressFamily Family)
    {
        public bool Contains(IPAddress address)
        {
            if (address.AddressFamily != Family)
                return false;
            var bytes = address.GetAddressBytes();
            for (var bit = 0; bit < PrefixLength; bit++)
            {
                var mask = 0x80 >> (bit % 8);
                if ((bytes[bit / 8] & mask) != (Network[bit / 8] & mask))
                    return false;
            }
            return true;
        }
    }

    private static List<Cidr> ParseCidrs(IEnumerable<string> cidrs) => cidrs.Select(ParseCidr).ToList();

    private static Cidr ParseCidr(string text)
    {
        var parts = text.Trim().Split('/');
        if (parts.Length > 2)
            throw new ArgumentException($"Invalid CIDR '{text}'.", nameof(text));
        var address = ParseIp(parts[0]) ?? throw new ArgumentException($"Invalid CIDR '{text}'.", nameof(text));
        var maxBits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = maxBits;
        if (parts.Length == 2 &&
            (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > maxBits))
            throw new ArgumentException($"Invalid CIDR '{text}'.", nameof(text));
        return new Cidr(address.GetAddressBytes(), prefix, address.AddressFamily);
    }

    // ------------------------------------------------------------------------------------------
    // docs/spec.md §2: the baseline
    // ------------------------------------------------------------------------------------------

    public static Dictionary<string, RefRow> Baseline(IEnumerable<RefRecord> records, long from, long to, long span,
        IReadOnlyList<string>? internalCidrs = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(span);

        // Count records per (src_ip, bucket).
        var counts = new Dictionary<string, Dictionary<long, long>>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            if (r.Start < from || r.Start >= to || !Counts(r, internalCidrs))
                continue;
            var bucket = FloorToMultiple(r.Start, span);
            if (!counts.TryGetValue(r.SrcAddr, out var perBucket))
            {
                perBucket = [];
                counts[r.SrcAddr] = perBucket;
            }
            perBucket[bucket] = perBucket.GetValueOrDefault(bucket) + 1;
        }

        // Statistics per src_ip over its non-empty buckets.
        var result = new Dictionary<string, RefRow>(StringComparer.Ordinal);
        foreach (var (src, perBucket) in counts)
        {
            var values = perBucket.Values.Select(v => (double)v).ToList();
            var n = values.Count;
            var latestBucket = perBucket.Keys.Max();
            var latestCount = perBucket[latestBucket];
            var mean = values.Sum() / n;
            var stdev = n == 1 ? 0.0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1));
            result[src] = new RefRow(src, latestCount, n, mean, stdev);
        }
        return result;
    }

    /// <summary>The largest multiple of <paramref name="step"/> that is &lt;= <paramref name="value"/> (floor, also for
    /// negative values).</summary>
    private static long FloorToMultiple(long value, long step)
    {
        var q = value / step;
        if (value % step != 0 && value < 0)
            q--;
        return q * step;
    }

    // ------------------------------------------------------------------------------------------
    // docs/spec.md §3: the detection, one run per window
    // ------------------------------------------------------------------------------------------

    public static List<RefAlert> Detect(Dictionary<string, RefRow> lookup, IEnumerable<RefRecord> records, long from,
        long to, long window,
        double deviationThreshold = 3, long dataPointThreshold = 5, double weight = 720,
            IReadOnlyList<string>? internalCidrs = null,
        IReadOnlyList<string>? allowSrc = null, IReadOnlyList<string>? allowDest = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);

        var allowSrcNets = allowSrc == null ? null : ParseCidrs(allowSrc);
        var allowDestNets = allowDest == null ? null : ParseCidrs(allowDest);
        // Counted records grouped by the start of their epoch-aligned window.
        var byWindow = records
            .Where(r => Counts(r, internalCidrs))
            .GroupBy(r => FloorToMultiple(r.Start, window))
            .ToDictionary(g => g.Key, g => g.ToList());
        var alerts = new List<RefAlert>();

        // Windows: every epoch-aligned [ws, ws + window) that lies entirely inside [from, to), in time order.
        var firstStart = FloorToMultiple(from, window);
        if (firstStart < from)
            firstStart += window;

        for (var ws = firstStart; ws + window <= to; ws += window)
        {
            var we = ws + window;
            var inWindow = byWindow.GetValueOrDefault(ws) ?? [];

            // 3.1: latestCount per src in this window.
            var latest = inWindow
                .GroupBy(r => r.SrcAddr, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);

            // 3.2 / 3.3: merge every src of the window and of the lookup, rewrite the lookup.
            var allSrcs = lookup.Keys.Union(latest.Keys, StringComparer.Ordinal).ToList();
            foreach (var src in allSrcs)
            {
                lookup.TryGetValue(src, out var old);
                long? latestCount = latest.TryGetValue(src, out var c) ? c : null;
                lookup[src] = UpdateRow(src, latestCount, old, weight);
            }

            // 3.4 / 3.5: score and report.
            foreach (var src in allSrcs.OrderBy(s => s, StringComparer.Ordinal))
            {
                var row = lookup[src];
                if (!IsSpike(row, deviationThreshold, dataPointThreshold))
                    continue;

                var mine = inWindow.Where(r => r.SrcAddr == src).ToList();
                var destIps =
                    mine.Select(r => r.DstAddr).Distinct(StringComparer.Ordinal).OrderBy(s => s, StringComparer.Ordinal)
                    .ToArray();
                var resourceIds =
                    mine.Select(r => r.InterfaceId).Distinct(StringComparer.Ordinal)
                    .OrderBy(s => s, StringComparer.Ordinal).ToArray();

                // 3.6: optional allowlists (default: nothing suppressed).
                if (allowSrcNets != null && InsideAny(src, allowSrcNets))
                    continue;
                if (allowDestNets != null && destIps.All(d => InsideAny(d, allowDestNets)))
                    continue;

                alerts.Add(new RefAlert(
                    WindowStart: ws,
                    WindowEnd: we,
                    SrcIp: src,
                    BlockedConnections: mine.Count,
                    UniqueDestConnections: destIps.Length,
                    BlockedDestIps: destIps,
                    ResourceIds: resourceIds,
                    LatestCount: row.LatestCount!.Value,
                    NumDataPoints: row.NumDataPoints!.Value,
                    Avg: row.Avg!.Value,
                    Stdev: row.Stdev!.Value,
                    Threshold: row.Avg!.Value + deviationThreshold * row.Stdev!.Value));
            }
        }
        return alerts;
    }

    /// <summary>docs/spec.md §3.2, with SPL null semantics: any arithmetic with a null operand is null.</summary>
    private static RefRow UpdateRow(string src, long? latestCount, RefRow? old, double weight)
    {
        // "fields - latestCount": the stored latestCount is dropped; only the other columns are merged.
        double? avg = old?.Avg;
        double? stdev = old?.Stdev;
        long? numDataPoints = old?.NumDataPoints;
        double? latest = latestCount;

        // newAvg = avg + (latestCount - avg) / W
        double? newAvg = avg + (latest - avg) / weight;

        // newStdev = sqrt((stdev^2 * (W-1) + (latestCount - newAvg) * (latestCount - avg)) / W)
        double? variance = (stdev * stdev * (weight - 1) + (latest - newAvg) * (latest - avg)) / weight;
        double? newStdev = variance == null ? null : Math.Sqrt(variance.Value);
        if (newStdev is double s && double.IsNaN(s))
            newStdev = null; // SPL's sqrt of a negative number is null (cannot happen for W >= 1)

        return new RefRow(
            SrcIp: src,
            LatestCount: latestCount,
            NumDataPoints: latestCount == null ? numDataPoints : numDataPoints + 1,
            Avg: newAvg ?? avg,
            Stdev: newStdev ?? stdev);
    }

    /// <summary>docs/spec.md §3.4: latestCount &gt; avg + k*stdev AND numDataPoints &gt; threshold; false if anything
    /// is null.</summary>
    private static bool IsSpike(RefRow row, double deviationThreshold, long dataPointThreshold)
    {
        if (row.LatestCount == null || row.Avg == null || row.Stdev == null || row.NumDataPoints == null)
            return false;
        return row.LatestCount.Value > row.Avg.Value + deviationThreshold * row.Stdev.Value
            && row.NumDataPoints.Value > dataPointThreshold;
    }

    private static bool InsideAny(string ipText, List<Cidr> nets)
    {
        var ip = ParseIp(ipText);
        return ip != null && nets.Any(net => net.Contains(ip));
    }

    // ------------------------------------------------------------------------------------------
    // docs/spec.md §5: lookup CSV export
    // ------------------------------------------------------------------------------------------

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
        value.IndexOfAny([',', '"', '\r', '\n']) < 0 ? value : "\""
            + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
