using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace FlowSpike.Queue;

/// <summary>
/// What queue mode did, on the same "FlowSpike" meter as watch's own instruments: messages by body shape and outcome,
/// objects by what became of them, events that create nothing by kind, lag and the dead-letter queue's depth.
/// </summary>
internal sealed class QueueMetrics : IDisposable
{
    private readonly Meter _meter = new(Watch.WatchMetrics.MeterName);
    private readonly Counter<long> _messages, _objects, _ignored, _deleteFailures, _windowsHeld;
    private readonly ConcurrentDictionary<string, long> _byMessage = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _byObject = new(StringComparer.Ordinal);
    private long _lag = long.MinValue, _oldest = long.MinValue, _deadLetters = long.MinValue,
        _backlog = long.MinValue;

    public QueueMetrics()
    {
        _messages = _meter.CreateCounter<long>("flowspike_queue_messages",
            description: "Queue messages handled, by body shape and outcome.");
        _objects = _meter.CreateCounter<long>("flowspike_queue_objects",
            description: "Notified objects, by what became of them (counted, duplicate, declined, missing, ...).");
        _ignored = _meter.CreateCounter<long>("flowspike_queue_events_ignored",
            description: "Notified events that create no object (removals, restores), by kind.");
        _deleteFailures = _meter.CreateCounter<long>("flowspike_queue_delete_failures",
            description: "Messages DeleteMessageBatch did not delete (they come back and are deleted as duplicates).");
        _windowsHeld = _meter.CreateCounter<long>("flowspike_queue_windows_closed_late",
            description: "Windows whose close waited for the queue after the clock allowed it.");
        _meter.CreateObservableGauge("flowspike_queue_lag_seconds", () => Gauge(_lag),
            description: "From a message's sending to its objects' commit, for the latest message.");
        _meter.CreateObservableGauge("flowspike_queue_oldest_message_age_seconds", () => Gauge(_oldest),
            description: "Age of the oldest message of the latest receive.");
        _meter.CreateObservableGauge("flowspike_queue_dead_letter_messages", () => Gauge(_deadLetters),
            description: "Messages in the dead-letter queue the redrive policy names.");
        _meter.CreateObservableGauge("flowspike_queue_backlog_messages", () => Gauge(_backlog),
            description: "Messages waiting in the queue (visible).");
    }

    /// <summary>Messages by "shape/outcome", for tests and the final log line.</summary>
    public IReadOnlyDictionary<string, long> Messages => _byMessage;

    /// <summary>Objects by reason.</summary>
    public IReadOnlyDictionary<string, long> Objects => _byObject;

    public long MessageCount(string shapeOutcome) => _byMessage.GetValueOrDefault(shapeOutcome);

    public long ObjectCount(string reason) => _byObject.GetValueOrDefault(reason);

    public void Message(string shape, string outcome)
    {
        _byMessage.AddOrUpdate(shape + "/" + outcome, 1, (_, n) => n + 1);
        _messages.Add(1, new KeyValuePair<string, object?>("shape", shape),
            new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void Object(string reason)
    {
        _byObject.AddOrUpdate(reason, 1, (_, n) => n + 1);
        _objects.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    public void Ignored(string kind) => _ignored.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void DeleteFailed(int n) => _deleteFailures.Add(n);

    public void WindowClosedLate() => _windowsHeld.Add(1);

    public void Lag(long seconds) => Interlocked.Exchange(ref _lag, Math.Max(0, seconds));

    public void OldestAge(long seconds) => Interlocked.Exchange(ref _oldest, Math.Max(0, seconds));

    public void DeadLetters(long n) => Interlocked.Exchange(ref _deadLetters, n);

    public void Backlog(long n) => Interlocked.Exchange(ref _backlog, n);

    private static IEnumerable<Measurement<long>> Gauge(long value) =>
        value == long.MinValue ? [] : [new Measurement<long>(value)];

    public void Dispose() => _meter.Dispose();
}
