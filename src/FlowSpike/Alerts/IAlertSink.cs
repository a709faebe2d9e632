using FlowSpike.State;

namespace FlowSpike.Alerts;

/// <summary>
/// Where committed alerts go. The state tracks delivery per sink <see cref="Name"/>, so an alert reaches every sink it
/// was committed for exactly once even across crashes and outages. A sink throws when it could not deliver; the
/// alerts then stay in the outbox for the next attempt.
/// </summary>
public interface IAlertSink : IDisposable
{
    /// <summary>Stable identity, such as "file:/var/log/alerts.jsonl" or "webhook:https://...".</summary>
    string Name { get; }

    /// <summary>Delivers alerts (in the canonical JSON the outbox keeps). Should tolerate an alert id seen before.</summary>
    void Deliver(IReadOnlyList<PendingAlert> alerts);
}
