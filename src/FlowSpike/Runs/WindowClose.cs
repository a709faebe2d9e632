using FlowSpike.Alerts;
using FlowSpike.State;

namespace FlowSpike.Runs;

/// <summary>
/// Turns a window's spikes into what commits with the window, the same way for detect, watch and the cluster: rollout
/// annotation, suppression, and the outbox entries. Delivery then runs from the durable outbox on every path.
/// </summary>
internal static class WindowClose
{
    /// <param name="alerts">The window step's alerts, in host order.</param>
    /// <param name="activeByAccount">The window's active hosts per account, asked for only with rollout
    /// awareness.</param>
    /// <param name="quietUntil">The stored suppression marks of some keys.</param>
    public static ClosedWindow Close(IReadOnlyList<Alert> alerts, AlertPolicy policy,
        Func<IReadOnlyDictionary<string, int>> activeByAccount,
        Func<IReadOnlyCollection<string>, IReadOnlyDictionary<string, long>> quietUntil)
    {
        if (policy.Rollout is { } rollout && alerts.Count >= rollout.MinHosts)
            alerts = rollout.Annotate(alerts, activeByAccount());
        var quiet = policy.Suppression.Enabled && alerts.Count > 0
            ? quietUntil([.. alerts.Select(policy.Suppression.KeyOf)])
            : new Dictionary<string, long>();
        var (deliver, marks, suppressed) = policy.Suppression.Select(alerts, quiet);
        var outbox = deliver.Select(a => new OutboxAlert(a.Id, a.WindowStart, AlertJson.Serialize(a))).ToList();
        return new ClosedWindow(alerts, outbox, marks, suppressed);
    }
}
