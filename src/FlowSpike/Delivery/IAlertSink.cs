using FlowSpike.State;

namespace FlowSpike.Delivery;

/// <summary>
/// Where committed alerts go. The state tracks delivery per alert and per sink <see cref="Name"/>, so an alert reaches
/// every sink it was committed for exactly once even across crashes and outages.
/// </summary>
internal interface IAlertSink : IDisposable
{
    /// <summary>Stable, redacted identity (see <see cref="SinkName"/>), such as "file:/var/log/alerts.jsonl".</summary>
    string Name { get; }

    /// <summary>How long after its first rejection an alert is offered to this sink again (doubling each
    /// time).</summary>
    TimeSpan RejectBackoff => TimeSpan.FromMinutes(1);

    /// <summary>
    /// Delivers alerts (in the canonical JSON the outbox keeps) in order, reporting each one to
    /// <paramref name="receipt"/> as soon as it is delivered or rejected. Returning means every alert not reported as
    /// rejected was delivered. Throwing (<see cref="SinkException"/>, <see cref="IOException"/>) means the sink could
    /// not take the first alert not yet reported; it and the rest stay in the outbox.
    /// </summary>
    void Deliver(IReadOnlyList<OutboxAlert> alerts, DeliveryReceipt receipt);

    /// <summary>
    /// Each alert is its own request (a webhook): when one fails and the next one goes through, the first one is at
    /// fault and is retried with backoff instead of holding back the rest. False for sinks whose failures are the
    /// sink's own (a full disk).
    /// </summary>
    bool Independent => false;

    /// <summary>Makes the destination exist once a run delivers (an alert file with no alert yet is empty, not
    /// missing); called before each delivery attempt.</summary>
    void Ready()
    {
    }

    /// <summary>Checks, before a run changes anything, that the sink can be written; throws if not.</summary>
    void Check()
    {
    }
}
