namespace FlowSpike.Watch;

/// <summary>
/// Whether a watch is doing its job, beyond being alive: its polls succeed, its sinks take their alerts, flow-log
/// records keep arriving, and it has a baseline to run on. Times are the polls' clock (epoch seconds).
/// </summary>
internal sealed class WatchHealth
{
    /// <summary>Polls in a row that must fail before health is degraded (one blip is not an outage).</summary>
    public const int FailedPollsDegrade = 3;

    private readonly Lock _gate = new();
    private long? _now, _lastArrival;
    private int _failedPolls;
    private string _lastError = "";

    public long? StaleAfter { get; set; }
    public string? Waiting { get; set; }

    public void PollStarted(long now)
    {
        lock (_gate)
        {
            _now = now;
            // A fresh start counts as an arrival: staleness is measured from when the watch began to look.
            _lastArrival ??= now;
        }
    }

    public void PollSucceeded()
    {
        lock (_gate)
            _failedPolls = 0;
    }

    public int PollFailed(string reason)
    {
        lock (_gate)
        {
            _lastError = reason;
            return ++_failedPolls;
        }
    }

    public void RecordsArrived()
    {
        lock (_gate)
            _lastArrival = _now;
    }

    /// <summary>Seconds since records last arrived, by the polls' clock; null before the first poll.</summary>
    public long? DataAge()
    {
        lock (_gate)
            return _now is { } now && _lastArrival is { } last ? Math.Max(0, now - last) : null;
    }

    public List<string> Reasons(IReadOnlyDictionary<string, long> held)
    {
        var reasons = new List<string>();
        if (Waiting is { } waiting)
            reasons.Add(waiting);
        lock (_gate)
        {
            if (_failedPolls >= FailedPollsDegrade)
                reasons.Add($"{_failedPolls} polls in a row failed (last: {_lastError})");
        }
        foreach (var (sink, count) in held.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (count > 0)
                reasons.Add($"{count} alert(s) held for {sink}");
        }
        if (StaleAfter is { } stale && DataAge() is { } age && age > stale)
            reasons.Add($"no flow-log record arrived for {age}s (stale after {stale}s)");
        return reasons;
    }
}
