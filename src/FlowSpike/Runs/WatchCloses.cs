using FlowSpike.Time;

namespace FlowSpike.Runs;

/// <summary>
/// How every watch (polling, queue and cluster) closes its oldest open window once the lateness has passed: a window
/// without a single record stays open, warned once, unless empty windows were allowed; a close is reported in one
/// line. Written once so the three watches say the same thing.
/// </summary>
internal sealed class WatchCloses(IRunLog log, bool allowEmptyWindows)
{
    private long _warned = long.MinValue;

    /// <summary>True when the window must stay open (no record has arrived for it yet), which holds the windows after
    /// it too.</summary>
    public bool StaysOpen(long window, bool hasRecords)
    {
        if (hasRecords || allowEmptyWindows)
            return false;
        if (_warned != window)
        {
            _warned = window;
            log.Warn($"window {TimeRange.Format(window)} has no flow-log records yet; it stays open, and the windows " +
                $"after it wait ({Setting.Name(nameof(JobSettings.AllowEmptyWindows))} closes such windows as quiet)");
        }
        return true;
    }

    public void Closed(long window, int activeHosts, int alerts) =>
        log.Info($"window {TimeRange.Format(window)} closed: {activeHosts} active host(s), {alerts} alert(s)");
}
