using FlowSpike.Alerts;
using FlowSpike.Models;
using FlowSpike.State;

namespace FlowSpike.Reports;

/// <summary>
/// Everything needed to explain one host: its windows (count, baseline, threshold) over a span, its alerts, and the
/// destinations and interfaces those alerts blocked most. Read from the state only; no raw logs are rescanned.
/// </summary>
internal sealed record HostStory(
    string SrcIp,
    BaselineRow? Lookup,
    long WindowSeconds,
    IReadOnlyList<HistoryRow> History,
    IReadOnlyList<Alert> Alerts,
    IReadOnlyList<(string Value, int Alerts)> TopDestinations,
    IReadOnlyList<(string Value, int Alerts)> TopInterfaces)
{
    /// <summary>Nothing to explain: not in the lookup, and no history or alert in the span.</summary>
    public bool IsEmpty => Lookup is null && History.Count == 0 && Alerts.Count == 0;

    public static HostStory Load(IStateStore store, uint src, long from, long to)
    {
        string ip = store.Entities.NameOf(src);
        var lookup = store.LoadLookup().Where(r => r.Src == src).Select(r => (BaselineRow?)r).FirstOrDefault();
        var alerts = store.AllAlerts().Select(p => AlertJson.Parse(p.Body)).Where(a =>
            a.Host == ip && a.WindowStart >= from && a.WindowStart < to).ToList();
        return FromParts(ip, lookup, store.Info.WindowSeconds ?? 3600, store.History(src, from, to), alerts);
    }

    public static HostStory FromParts(string ip, BaselineRow? lookup, long windowSeconds,
        IReadOnlyList<HistoryRow> history, IReadOnlyList<Alert> alerts) =>
        new(ip, lookup, windowSeconds, history, alerts, Top(alerts.SelectMany(a => a.BlockedDestIps)),
            Top(alerts.SelectMany(a => a.ResourceIds)));

    private static List<(string, int)> Top(IEnumerable<string> values) =>
        [.. values.GroupBy(v => v, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count()))
            .OrderByDescending(x => x.Item2)
            .ThenBy(x => x.Key, StringComparer.Ordinal)
            .Take(10)];

    /// <summary>The count of every window in [from, to), zero where the host was silent.</summary>
    public long[] Counts(long from, long to)
    {
        int n = (int)Math.Max(0, (to - from) / WindowSeconds);
        var counts = new long[n];
        foreach (var h in History)
        {
            long i = (h.WindowStart - from) / WindowSeconds;
            if (i >= 0 && i < n)
                counts[i] = h.Count;
        }
        return counts;
    }
}
