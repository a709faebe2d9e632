using FlowSpike.Alerts;

namespace FlowSpike.Delivery;

/// <summary>Opens a job's sinks; a bad one closes those already open and refuses the job.</summary>
internal static class JobSinks
{
    public static List<IAlertSink> Create(IReadOnlyList<SinkSpec> specs, AsffOptions asff, IRunLog log)
    {
        var sinks = new List<IAlertSink>();
        try
        {
            foreach (var spec in specs)
                sinks.Add(AlertSinks.Create(spec, asff, warn: log.Warn));
        }
        catch (ArgumentException e)
        {
            foreach (var s in sinks)
                s.Dispose();
            throw new RunException(e.Message);
        }
        return sinks;
    }
}
