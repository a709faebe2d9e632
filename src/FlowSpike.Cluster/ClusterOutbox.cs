using FlowSpike.Cluster.Grains;
using FlowSpike.Cluster.Wire;
using FlowSpike.Delivery;
using FlowSpike.State;

namespace FlowSpike.Cluster;

/// <summary>
/// The cluster state's outbox, seen as the local one is, so one <see cref="AlertDispatcher"/> delivers on both paths.
/// Each call is one idempotent grain call, repeated while a silo is being replaced.
/// </summary>
internal sealed class ClusterOutbox(IStateGrain grain, IRunLog log, MembershipWatch? watch = null) : IOutbox
{
    public IReadOnlyList<OutboxAlert> OutboxAlerts(string sink, long? now = null) =>
        [.. Call(() => grain.HeldFor(sink, now)).Select(e => new OutboxAlert(e.Id, e.WindowStart, e.Body,
            e.Due[sink].Attempts))];

    public void MarkDelivered(string sink, IReadOnlyCollection<string> alertIds) =>
        Call(async () => { await grain.Delivered(sink, [.. alertIds]); return 0; });

    public void MarkRejected(string sink, string alertId, string reason, long retryAt) =>
        Call(async () => { await grain.Rejected(sink, alertId, reason, retryAt); return 0; });

    public IReadOnlyCollection<string> SinksWithHeld() => Call(grain.SinksWithHeld);

    public int MoveHeld(string from, string to) => Call(() => grain.MoveHeld(from, to));

    /// <summary>The outbox entries of a closed window, due for each sink.</summary>
    public static List<OutboxEntry> Entries(IReadOnlyList<OutboxAlert> alerts, IReadOnlyCollection<string> sinks) =>
        [.. alerts.Select(a => new OutboxEntry
        {
            Id = a.Id,
            WindowStart = a.WindowStart,
            Body = a.Body,
            Due = sinks.ToDictionary(s => s, _ => new SinkDue(), StringComparer.Ordinal),
        })];

    // Sinks are synchronous; the coordinator's thread has no synchronisation context, so waiting here is safe.
    private T Call<T>(Func<Task<T>> call) =>
        ClusterRetry.Run(call, "cluster outbox", log, CancellationToken.None, watch).GetAwaiter().GetResult();
}
