namespace FlowSpike.Delivery;

/// <summary>
/// A sink's account of one delivery attempt, alert by alert and in order. The dispatcher writes each entry through to
/// the outbox at once, so an alert delivered before a crash or a failure is never sent to that sink again.
/// </summary>
internal sealed class DeliveryReceipt(Action<IReadOnlyCollection<string>> delivered, Action<string, string> rejected)
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    /// <summary>How many alerts, from the first, this receipt accounts for.</summary>
    public int Reported { get; private set; }

    /// <summary>Whether the sink reported this alert, delivered or rejected.</summary>
    public bool Accounts(string alertId) => _seen.Contains(alertId);

    public int Delivered { get; private set; }

    public void Deliver(IReadOnlyCollection<string> alertIds)
    {
        if (alertIds.Count == 0)
            return;
        delivered(alertIds);
        _seen.UnionWith(alertIds);
        Reported += alertIds.Count;
        Delivered += alertIds.Count;
    }

    public void Deliver(string alertId) => Deliver([alertId]);

    /// <summary>The sink refused this alert itself (not an outage): it is retried later, with backoff.</summary>
    public void Reject(string alertId, string reason)
    {
        rejected(alertId, reason);
        _seen.Add(alertId);
        Reported++;
    }
}
