namespace FlowSpike.State;

/// <summary>
/// The durable record of which alert each sink still has to receive. The local state and the cluster's state grain
/// both keep one; delivery runs from it on every path, so a crash or an outage only delays alerts.
/// </summary>
internal interface IOutbox
{
    /// <summary>Alerts not yet delivered to <paramref name="sink"/> and due at <paramref name="now"/> (unix seconds;
    /// null: all of them, backed off or not), oldest first.</summary>
    IReadOnlyList<OutboxAlert> OutboxAlerts(string sink, long? now = null);

    /// <summary>Records alerts as delivered to <paramref name="sink"/>; they are never sent to it again.</summary>
    void MarkDelivered(string sink, IReadOnlyCollection<string> alertIds);

    /// <summary>Records that <paramref name="sink"/> rejected an alert: one more attempt, not retried before
    /// <paramref name="retryAt"/> (unix seconds).</summary>
    void MarkRejected(string sink, string alertId, string reason, long retryAt);

    /// <summary>Names of the sinks that still have alerts to receive.</summary>
    IReadOnlyCollection<string> SinksWithHeld();

    /// <summary>Hands the undelivered alerts of a sink that is no longer configured to <paramref name="to"/>.</summary>
    int MoveHeld(string from, string to);
}
