using FlowSpike.Aggregation;

namespace FlowSpike.Cluster;

/// <summary>
/// Rollout awareness needs a whole window's sources, which the cluster holds in shards. The shards report, per account,
/// how many of their active hosts it has, and the accounts of their alerting hosts; this rebuilds a view of the window
/// with the same per-account counts, so the library's <see cref="Alerts.RolloutAwareness"/> runs unchanged.
/// </summary>
public static class RolloutView
{
    public static Dictionary<uint, SourceWindowStats> Sources(IReadOnlyDictionary<string, int> activeByAccount, IReadOnlyDictionary<uint, string[]> alertingHosts)
    {
        var sources = new Dictionary<uint, SourceWindowStats>(alertingHosts.Count);
        var left = new Dictionary<string, int>(activeByAccount, StringComparer.Ordinal);
        foreach (var (src, accounts) in alertingHosts)
        {
            sources[src] = new SourceWindowStats { Accounts = new HashSet<string>(accounts, StringComparer.Ordinal) };
            foreach (string account in accounts)
                left[account] = left.GetValueOrDefault(account) - 1;
        }
        // The other active hosts only count: one stand-in per host and account, under keys no alerting host uses.
        uint key = uint.MaxValue;
        foreach (var (account, n) in left.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            for (int i = 0; i < n; i++)
            {
                while (alertingHosts.ContainsKey(key))
                    key--;
                sources[key--] = new SourceWindowStats { Accounts = new HashSet<string>(StringComparer.Ordinal) { account } };
            }
        }
        return sources;
    }
}
