namespace FlowSpike.Queue;

/// <summary>
/// Keeps every message in flight invisible until it is deleted: received and waiting, being read, or counted and
/// waiting for its delete. Each one's visibility is set again to the full timeout once half of it has passed.
/// </summary>
internal sealed class VisibilityHeartbeat : IDisposable
{
    private readonly QueueClient _queue;
    private readonly int _seconds;
    private readonly Action<string> _warn;
    private readonly Dictionary<string, DateTime> _held = new(StringComparer.Ordinal);
    private readonly Timer _timer;
    private readonly Lock _gate = new();
    private int _failed, _beating;

    public VisibilityHeartbeat(QueueClient queue, int seconds, Action<string> warn)
    {
        _queue = queue;
        _seconds = seconds;
        _warn = warn;
        var tick = TimeSpan.FromSeconds(Math.Max(0.25, seconds / 4.0));
        _timer = new Timer(_ => Beat(), null, tick, tick);
    }

    /// <summary>Extensions SQS refused (the message was already gone or its receipt had expired).</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>Holds a message received just now (its receive set the visibility).</summary>
    public void Hold(string receipt)
    {
        lock (_gate)
            _held[receipt] = DateTime.UtcNow;
    }

    public void Release(string receipt)
    {
        lock (_gate)
            _held.Remove(receipt);
    }

    private void Beat()
    {
        // A slow call must not be overtaken by the next tick.
        if (Interlocked.Exchange(ref _beating, 1) == 1)
            return;
        try
        {
            BeatOnce();
        }
        finally
        {
            Volatile.Write(ref _beating, 0);
        }
    }

    private void BeatOnce()
    {
        var due = new List<string>();
        var now = DateTime.UtcNow;
        lock (_gate)
        {
            foreach (var (receipt, set) in _held)
            {
                if ((now - set).TotalSeconds >= _seconds / 2.0)
                    due.Add(receipt);
            }
            foreach (string r in due)
                _held[r] = now;
        }
        if (due.Count == 0)
            return;
        try
        {
            int failed = _queue.ExtendVisibility(due, _seconds);
            if (failed > 0)
            {
                Interlocked.Add(ref _failed, failed);
                _warn($"{_queue.Url}: {failed} held message(s) could not be kept invisible; they may be received " +
                    "again (their objects are counted once all the same)");
            }
        }
        catch (QueueException e)
        {
            _warn(e.Message + "; retried at the next beat");
            lock (_gate)
            {
                foreach (string r in due)
                {
                    if (_held.ContainsKey(r))
                        _held[r] = now.AddSeconds(-_seconds);
                }
            }
        }
    }

    public void Dispose() => _timer.Dispose();
}
