using FlowSpike.State;

namespace FlowSpike.Alerts;

/// <summary>Where committed alerts go. Delivery may be retried after a crash, so a sink should tolerate seeing an alert id twice.</summary>
public interface IAlertSink : IDisposable
{
    void Deliver(IReadOnlyList<PendingAlert> alerts);
}
