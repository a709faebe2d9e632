using FlowSpike.State;
using FlowSpike.Time;

namespace FlowSpike.Delivery;

/// <summary>
/// Delivers committed alerts from an outbox (the local state's or the cluster's) to every sink, alert by alert. Each
/// delivery is recorded as it happens, so after a failure a sink resumes at its first undelivered alert. An alert a
/// sink rejects is retried with doubling backoff while the others go on; a sink that is down keeps everything it has
/// not received, and is not tried again for a while within the same run. Nothing is lost to an outage.
/// </summary>
internal sealed class AlertDispatcher : IDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);
    private readonly IReadOnlyList<IAlertSink> _sinks;
    private readonly IRunLog _log;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, (long Until, TimeSpan Pause)> _down = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _delivered = new(StringComparer.Ordinal);
    private readonly HashSet<IOutbox> _adopted = [];
    private Action<string, int>? _onHeld;
    private Action<string>? _onFailed;

    public AlertDispatcher(IReadOnlyList<IAlertSink> sinks, IRunLog log, TimeProvider? time = null)
    {
        _sinks = sinks;
        _log = log;
        _time = time ?? TimeProvider.System;
        Names = [.. sinks.Select(s => s.Name).Distinct(StringComparer.Ordinal)];
    }

    public IReadOnlyCollection<string> Names { get; }

    /// <summary>How long a sink found down is left alone before the next attempt (doubling up to 5 minutes).</summary>
    public TimeSpan DownPause { get; init; } = TimeSpan.FromSeconds(30);

    public static AlertDispatcher Single(IAlertSink sink, IRunLog log) => new([sink], log);

    /// <summary>Alerts delivered to each sink by this dispatcher.</summary>
    public IReadOnlyDictionary<string, int> Delivered => _delivered;

    /// <summary>Checks every sink can be written before a run changes anything.</summary>
    public void Check()
    {
        foreach (var sink in _sinks)
            sink.Check();
    }

    /// <summary>Makes every sink's destination exist (a watch's alert file before its first alert).</summary>
    public void Ready()
    {
        foreach (var sink in _sinks)
            Ready(sink);
    }

    private static void Ready(IAlertSink sink)
    {
        try
        {
            sink.Ready();
        }
        catch (Exception e) when (IsDeliveryFailure(e))
        {
            // Found again, and reported, by the next delivery attempt, which holds the alerts and says why.
        }
    }

    /// <summary>
    /// Sends what is due for each sink; returns how many alerts are still held after this attempt. With
    /// <paramref name="force"/>, sinks found down earlier in the run are tried again at once (the end of a run).
    /// </summary>
    public int DeliverOutbox(IOutbox outbox, bool force = false)
    {
        Adopt(outbox);
        int left = 0;
        foreach (var sink in _sinks)
        {
            int held = DeliverTo(sink, outbox, force);
            _onHeld?.Invoke(sink.Name, held);
            left += held;
        }
        return left;
    }

    /// <summary>Tells <paramref name="held"/> each sink's held count after every attempt, and
    /// <paramref name="failed"/> each failed delivery (watch's metrics and health).</summary>
    public void Observe(Action<string, int> held, Action<string> failed)
    {
        _onHeld = held;
        _onFailed = failed;
    }

    private int DeliverTo(IAlertSink sink, IOutbox outbox, bool force)
    {
        long nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        long now = nowMs / 1000;
        if (!force && _down.TryGetValue(sink.Name, out var down) && nowMs < down.Until)
            return outbox.OutboxAlerts(sink.Name).Count;
        var due = outbox.OutboxAlerts(sink.Name, now);
        // The destination is made when alerts are due or the run has ended (an alert file with no alert is empty,
        // not missing), not before a run that may still fail on its input.
        if (due.Count > 0 || force)
            Ready(sink);
        if (due.Count == 0)
            return outbox.OutboxAlerts(sink.Name).Count;
        int next = 0;
        OutboxAlert? suspect = null;
        string error = "";
        bool sinkDown = false;
        while (next < due.Count)
        {
            var receipt = new DeliveryReceipt(
                ids => Record(outbox, sink, ids),
                (id, reason) => Reject(outbox, sink, due.First(p => p.Id == id), reason, now));
            try
            {
                var batch = next == 0 ? due : [.. due.Skip(next)];
                sink.Deliver(batch, receipt);
                // Returning is the sink's word that every alert it did not reject was delivered.
                var unreported = batch.Where(p => !receipt.Accounts(p.Id)).Select(p => p.Id).ToList();
                if (unreported.Count > 0)
                    Record(outbox, sink, unreported);
                next = due.Count;
            }
            catch (Exception e) when (IsDeliveryFailure(e))
            {
                int failedAt = next + receipt.Reported;
                if (!sink.Independent)
                {
                    sinkDown = true;
                    error = e.Message;
                    break;
                }
                if (suspect is not null && receipt.Reported == 0)
                {
                    // Two alerts in a row failed: the sink is down, and neither alert is at fault.
                    sinkDown = true;
                    error = e.Message;
                    suspect = null;
                    break;
                }
                if (suspect is not null)
                    Reject(outbox, sink, suspect, error, now);
                suspect = due[failedAt];
                error = e.Message;
                next = failedAt + 1;
                continue;
            }
            // The sink took what followed the failed alert, so that alert itself was at fault.
            if (suspect is not null)
                Reject(outbox, sink, suspect, error, now);
            suspect = null;
        }
        // The last alert failed and nothing after it could tell the sink from the alert: one already found at fault
        // is charged again; otherwise it is held uncharged, as in an outage.
        if (suspect is { Attempts: > 0 })
            Reject(outbox, sink, suspect, error, now);
        else if (suspect is not null)
            sinkDown = true;
        int held = outbox.OutboxAlerts(sink.Name).Count;
        if (sinkDown)
        {
            _onFailed?.Invoke(sink.Name);
            var pause = _down.TryGetValue(sink.Name, out var before)
                ? TimeSpan.FromTicks(Math.Min(before.Pause.Ticks * 2, TimeSpan.FromMinutes(5).Ticks))
                : DownPause;
            if (!_down.ContainsKey(sink.Name))
                _log.Warn($"{sink.Name}: delivery failed ({error}); {held} alert(s) kept in the state until it " +
                    $"succeeds");
            _down[sink.Name] = (nowMs + (long)pause.TotalMilliseconds, pause);
        }
        else if (_down.Remove(sink.Name))
        {
            _log.Info($"{sink.Name}: delivering again; held alerts sent");
        }
        return held;
    }

    private void Record(IOutbox outbox, IAlertSink sink, IReadOnlyCollection<string> ids)
    {
        outbox.MarkDelivered(sink.Name, ids);
        _delivered[sink.Name] = _delivered.GetValueOrDefault(sink.Name) + ids.Count;
    }

    private void Reject(IOutbox outbox, IAlertSink sink, OutboxAlert alert, string reason, long now)
    {
        var wait = TimeSpan.FromTicks(Math.Min(sink.RejectBackoff.Ticks << Math.Min(alert.Attempts, 20),
            MaxBackoff.Ticks));
        long retryAt = now + (long)Math.Ceiling(wait.TotalSeconds);
        outbox.MarkRejected(sink.Name, alert.Id, reason, retryAt);
        _log.Warn($"{sink.Name}: alert {alert.Id} was rejected ({reason}); attempt {alert.Attempts + 1}, " +
            $"retried after {TimeRange.FormatDuration((long)Math.Ceiling(wait.TotalSeconds))}; the other alerts go on");
    }

    /// <summary>
    /// Held alerts of a sink that is no longer configured go to the one configured sink of the same type and origin
    /// (a webhook whose token was rotated), so changing a URL does not orphan them.
    /// </summary>
    private void Adopt(IOutbox outbox)
    {
        if (!_adopted.Add(outbox))
            return;
        foreach (string orphan in outbox.SinksWithHeld())
        {
            if (Names.Contains(orphan))
                continue;
            var heirs = Names.Where(n => SinkName.Family(n) == SinkName.Family(orphan)).ToList();
            if (heirs.Count != 1)
            {
                _log.Warn($"{orphan}: {outbox.OutboxAlerts(orphan).Count} alert(s) held for a sink that is not " +
                    "configured; configure it again (or one of the same type and host) to deliver them");
                continue;
            }
            int moved = outbox.MoveHeld(orphan, heirs[0]);
            _log.Info($"{heirs[0]} takes over {moved} held alert(s) of {orphan}");
        }
    }

    private static bool IsDeliveryFailure(Exception e) =>
        e is IOException or HttpRequestException or SinkException or TaskCanceledException
            or UnauthorizedAccessException;

    public void Dispose()
    {
        foreach (var sink in _sinks)
            sink.Dispose();
    }
}
