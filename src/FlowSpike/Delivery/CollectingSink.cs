using FlowSpike.Alerts;
using FlowSpike.State;

namespace FlowSpike.Delivery;

/// <summary>An evaluation's sink: keeps the alerts in memory.</summary>
internal sealed class CollectingSink : IAlertSink
{
    public List<Alert> Alerts { get; } = [];

    public string Name => "evaluation";

    /// <summary>Collects the alerts and reports them delivered, so none is offered again in a later window.</summary>
    public void Deliver(IReadOnlyList<OutboxAlert> alerts, DeliveryReceipt receipt)
    {
        foreach (var a in alerts)
            Alerts.Add(AlertJson.Parse(a.Body));
        receipt.Deliver([.. alerts.Select(a => a.Id)]);
    }

    public void Dispose()
    {
    }
}
