using FlowSpike.Aggregation;
using FlowSpike.Selection;

namespace FlowSpike.Alerts;

/// <summary>
/// The seed's own main false positive: administrators roll out a new block policy and many hosts spike at once. When
/// at least <see cref="MinHosts"/> hosts of one AWS account spike in a window, and they are at least
/// <see cref="Share"/> of the account's active hosts, their alerts are annotated as a likely policy change.
/// </summary>
public sealed record RolloutAwareness(double Share = 0.25, int MinHosts = 3)
{
    public IReadOnlyList<Alert> Annotate(IReadOnlyList<Alert> alerts, IReadOnlyDictionary<uint, SourceWindowStats> sources)
    {
        if (alerts.Count < MinHosts)
            return alerts;
        var active = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var stats in sources.Values)
        {
            foreach (string account in stats.Accounts ?? [])
                active[account] = active.GetValueOrDefault(account) + 1;
        }
        var accountsOf = new Dictionary<string, IReadOnlyCollection<string>>(StringComparer.Ordinal);
        var spiking = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var alert in alerts)
        {
            IReadOnlyCollection<string> accounts = Ipv4.TryParse(alert.SrcIp, out uint src) && sources.TryGetValue(src, out var s) && s.Accounts is { } a ? a : [];
            accountsOf[alert.Id] = accounts;
            foreach (string account in accounts)
                spiking[account] = spiking.GetValueOrDefault(account) + 1;
        }
        var rolled = spiking.Where(kv => kv.Value >= MinHosts && kv.Value >= Share * active.GetValueOrDefault(kv.Key, int.MaxValue))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        if (rolled.Count == 0)
            return alerts;
        return [.. alerts.Select(a =>
        {
            var notes = accountsOf[a.Id].Where(rolled.ContainsKey).Order(StringComparer.Ordinal)
                .Select(acc => $"likely policy change: {rolled[acc]} of {active[acc]} active hosts in account {acc} spiked in this window").ToList();
            return notes.Count == 0 ? a : a with { Annotations = [.. a.Annotations, .. notes] };
        })];
    }
}
