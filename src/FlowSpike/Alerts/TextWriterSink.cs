using FlowSpike.State;

namespace FlowSpike.Alerts;

/// <summary>Writes alert lines to a text writer such as standard output.</summary>
public sealed class TextWriterSink(TextWriter writer) : IAlertSink
{
    public void Deliver(IReadOnlyList<PendingAlert> alerts)
    {
        foreach (var alert in alerts)
        {
            writer.Write(alert.Body);
            writer.Write('\n');
        }
        writer.Flush();
    }

    public void Dispose() { }
}
