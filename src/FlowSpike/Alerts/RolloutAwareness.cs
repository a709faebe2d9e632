using FlowSpike.Aggregation;

namespace FlowSpike.Alerts;

/// <summary>
/// The ESCU search's own main false positive: administrators roll out a new block policy and many hosts spike at once.
/// When
/// at least <see cref="MinHosts"/> hosts of one AWS account spike in a window, and they are at least
/// <see cref="Share"/> of the account's active hosts, their alerts are annotated as a likely policy change. With
/// <see cref="Group"/>, they become one alert per account instead of N pages.
/// </summary>
internal sealed record RolloutAwareness(double Share = 0.25, int MinHosts = 3, bool Group = false)
{
    /// <summary>
    /// Active hosts per AWS account in a window, the share's denominator. Counts of disjoint sets of hosts add up, so
    /// cluster shards count their own and the coordinator sums them.
    /// </summary>
    public static Dictionary<string, int> ActiveHosts(IEnumerable<SourceWindowStats> sources)
    {
        var active = new Dictionary<string, int>(StringComparer.Ordinal);
        // A scan's hosts share one account table: count by id, then name each account once.
        ScanDetails? scan = null;
        Dictionary<int, int>? byId = null;
        foreach (var stats in sources)
        {
            if (stats.TryAccountIds(out var details, out var ids) && (scan is null || scan == details))
            {
                scan = details;
                byId ??= [];
                foreach (int id in ids)
                    byId[id] = byId.GetValueOrDefault(id) + 1;
                continue;
            }
            foreach (string account in stats.Accounts ?? [])
                active[account] = active.GetValueOrDefault(account) + 1;
        }
        foreach (var (id, hosts) in byId ?? [])
        {
            string account = scan!.AccountName(id);
            active[account] = active.GetValueOrDefault(account) + hosts;
        }
        return active;
    }

    /// <summary>Annotates (or groups) a window's alerts, given the window's active hosts per account.</summary>
    public IReadOnlyList<Alert> Annotate(IReadOnlyList<Alert> alerts, IReadOnlyDictionary<string, int> active)
    {
        if (alerts.Count < MinHosts)
            return alerts;
        var spiking = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var alert in alerts)
        {
            foreach (string account in alert.Accounts)
                spiking[account] = spiking.GetValueOrDefault(account) + 1;
        }
        var rolled =
            spiking.Where(kv => kv.Value >= MinHosts
                && kv.Value >= Share * active.GetValueOrDefault(kv.Key, int.MaxValue))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        if (rolled.Count == 0)
            return alerts;
        var annotated = alerts.Select(a =>
        {
            var notes = a.Accounts.Where(rolled.ContainsKey).Order(StringComparer.Ordinal)
                .Select(acc =>
                    $"likely policy change: {rolled[acc]} of {active[acc]} active hosts in account {acc} spiked in "
                    + "this window").ToList();
            return notes.Count == 0 ? a : a with { Annotations = [.. a.Annotations, .. notes] };
        }).ToList();
        return Group ? GroupByAccount(annotated, rolled.Keys) : annotated;
    }

    /// <summary>
    /// One alert per rolled-out account: the member with the most blocked connections carries the baseline figures, the
    /// counts are summed and the destinations and interfaces united. A host in several rolled-out accounts joins the
    /// first.
    /// </summary>
    private static List<Alert> GroupByAccount(List<Alert> alerts, IEnumerable<string> rolled)
    {
        var groups = new SortedDictionary<string, List<Alert>>(StringComparer.Ordinal);
        var result = new List<Alert>();
        var rolledSet = rolled.ToHashSet(StringComparer.Ordinal);
        foreach (var a in alerts)
        {
            string? account = a.Accounts.FirstOrDefault(rolledSet.Contains);
            if (account is null)
                result.Add(a);
            else
                (groups.TryGetValue(account, out var list) ? list : groups[account] = []).Add(a);
        }
        foreach (var (account, members) in groups)
        {
            var lead =
                members.OrderByDescending(m => m.BlockedConnections).ThenBy(m => m.Host, StringComparer.Ordinal)
                .First();
            result.Add(lead with
            {
                BlockedConnections = members.Sum(m => m.BlockedConnections),
                BlockedDestIps =
                    [.. members.SelectMany(m => m.BlockedDestIps).Distinct(StringComparer.Ordinal)
                        .Order(StringComparer.Ordinal)],
                ResourceIds =
                    [.. members.SelectMany(m => m.ResourceIds).Distinct(StringComparer.Ordinal)
                        .Order(StringComparer.Ordinal)],
                GroupedHosts = [.. members.Select(m => m.Host).Order(StringComparer.Ordinal)],
                Accounts = [account],
            });
        }
        result.Sort((a, b) => string.CompareOrdinal(a.Host, b.Host));
        return result;
    }
}
