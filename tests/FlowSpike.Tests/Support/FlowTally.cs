using System.Globalization;
using FlowSpike.Aggregation;
using FlowSpike.Tests.Reference;

namespace FlowSpike.Tests.Support;

/// <summary>One flow record as a test wrote it: the fields a tally needs, null where the record has none.</summary>
public sealed record TallyRecord(long Start, string Src, string Dst, string Action, string? Interface, string? Account);

/// <summary>
/// The counted records of a fixture, tallied by the test from the records it wrote (with the plain reference rules of
/// Reference/ReferenceSpec), next to the same summary of what a scan found: window start, then source, then
/// "count; destinations; interfaces; accounts".
/// </summary>
public static class FlowTally
{
    private const long Window = 3600;

    public static SortedDictionary<long, SortedDictionary<string, string>> Expected(
        IEnumerable<TallyRecord> records, IReadOnlyList<string>? internalCidrs = null)
    {
        var groups = records
            .Where(r => ReferenceSpec.Counts(new RefRecord(r.Start, r.Src, r.Dst, r.Action, r.Interface ?? "-", "OK"),
                internalCidrs))
            .GroupBy(r => r.Start - (r.Start % Window));
        var result = new SortedDictionary<long, SortedDictionary<string, string>>();
        foreach (var window in groups)
        {
            result[window.Key] = new(window.GroupBy(r => r.Src).ToDictionary(s => s.Key, s => Summary(s.Count(),
                s.Select(r => r.Dst), s.Select(r => r.Interface), s.Select(r => r.Account))), StringComparer.Ordinal);
        }
        return result;
    }

    internal static SortedDictionary<long, SortedDictionary<string, string>> Actual(ScanResult scan)
    {
        var result = new SortedDictionary<long, SortedDictionary<string, string>>();
        foreach (var (window, sources) in scan.Partial.Windows)
        {
            result[window] = new(sources.ToDictionary(s => Selection.Ipv4.Format(s.Key), s => Summary(
                    (int)s.Value.Count, s.Value.Destinations ?? [], s.Value.Interfaces ?? [], s.Value.Accounts ?? [])),
                StringComparer.Ordinal);
        }
        return result;
    }

    /// <summary>The records of a text flow log, read by the header's field names (the test's own parsing).</summary>
    public static List<TallyRecord> FromText(IEnumerable<string> lines, string header)
    {
        var names = header.Split(' ');
        int At(string name) => Array.IndexOf(names, name);
        int start = At("start"), src = At("srcaddr"), dst = At("dstaddr"), action = At("action");
        int iface = At("interface-id"), account = At("account-id");
        return [.. lines.Where(l => l.Length > 0).Select(l => l.Split(' ')).Select(f => new TallyRecord(
            long.TryParse(f[start], NumberStyles.Integer, CultureInfo.InvariantCulture, out long s) ? s : -1,
            f[src], f[dst], f[action], iface >= 0 ? f[iface] : null, account >= 0 ? f[account] : null))];
    }

    private static string Summary(int count, IEnumerable<string> destinations, IEnumerable<string?> interfaces,
        IEnumerable<string?> accounts)
    {
        static string Set(IEnumerable<string?> values) =>
            string.Join(',', values.Where(v => !string.IsNullOrEmpty(v) && v != "-").Distinct().Order(
                StringComparer.Ordinal));
        return $"{count}; {Set(destinations)}; {Set(interfaces)}; {Set(accounts)}";
    }
}
