using FlowSpike.State;

namespace FlowSpike.Tests.Support;

/// <summary>Calls a sink directly, as the dispatcher would, and returns what its receipt reported.</summary>
public static class SinkExtensions
{
    internal static (List<string> Delivered, List<string> Rejected) Deliver(this IAlertSink sink,
        IReadOnlyList<OutboxAlert> alerts)
    {
        var delivered = new List<string>();
        var rejected = new List<string>();
        sink.Deliver(alerts, new DeliveryReceipt(delivered.AddRange, (id, _) => rejected.Add(id)));
        return (delivered, rejected);
    }
}
