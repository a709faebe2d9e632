using FlowSpike.Alerts;
using FlowSpike.State;

namespace FlowSpike.Runs;

/// <summary>
/// Delivers committed alerts to every sink from the state's outbox. A sink that fails keeps its alerts pending; the
/// next attempt (the next window, poll or run) sends them. Nothing is lost to an outage.
/// </summary>
public sealed class AlertDispatcher(IReadOnlyList<IAlertSink> sinks, IRunLog log) : IDisposable
{
    private readonly HashSet<string> _failing = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names { get; } = [.. sinks.Select(s => s.Name).Distinct(StringComparer.Ordinal)];

    public static AlertDispatcher Single(IAlertSink sink, IRunLog log) => new([sink], log);

    /// <summary>Sends what is pending for each sink; returns how many alerts are still pending after this attempt.</summary>
    public int DeliverPending(IStateStore store)
    {
        int left = 0;
        foreach (var sink in sinks)
        {
            var pending = store.PendingAlerts(sink.Name);
            if (pending.Count == 0)
                continue;
            try
            {
                sink.Deliver(pending);
                store.MarkDelivered(sink.Name, [.. pending.Select(p => p.Id)]);
                if (_failing.Remove(sink.Name))
                    log.Info($"{sink.Name}: delivering again; {pending.Count} held alert(s) sent");
            }
            catch (Exception e) when (e is IOException or HttpRequestException or SinkException or TaskCanceledException or UnauthorizedAccessException)
            {
                left += pending.Count;
                if (_failing.Add(sink.Name))
                    log.Warn($"{sink.Name}: delivery failed ({e.Message}); {pending.Count} alert(s) kept in the state until it succeeds");
            }
        }
        return left;
    }

    public void Dispose()
    {
        foreach (var sink in sinks)
            sink.Dispose();
    }
}
