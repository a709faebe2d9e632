using FlowSpike.Time;

namespace FlowSpike.Runs;

/// <summary>
/// Which windows of a detect range still need closing, in time order. A window that was never closed but starts
/// before the committed mark is refused: closing it would reorder the baselines' history. Local runs and the cluster
/// plan alike.
/// </summary>
internal static class WindowPlan
{
    public static List<long> Todo(DetectRequest request, Func<long, bool> closed, long? committedUntil, IRunLog log,
        out int skipped)
    {
        var todo = new List<long>();
        skipped = 0;
        foreach (long w in WindowMath.Starts(request.From, request.To, request.WindowSeconds))
        {
            if (closed(w))
            {
                skipped++;
                continue;
            }
            if (committedUntil is { } mark && w < mark)
                throw new RunException(
                    $"window {TimeRange.Format(w)} was never closed and starts before the committed mark " +
                        $"{TimeRange.Format(mark)}; " +
                    $"closing it now would reorder the baseline's history (start " +
                        $"{Setting.Name(nameof(JobSettings.From))} at or after " +
                        $"the mark)");
            todo.Add(w);
        }
        if (skipped > 0)
            log.Info($"{skipped} window(s) in the range were already committed; skipped");
        if (todo.Count == 0)
            log.Info($"nothing to do: every window in {TimeRange.Format(request.From)} .. " +
                $"{TimeRange.Format(request.To)} is already committed");
        else if (committedUntil is { } committed && todo[0] > committed)
            log.Warn($"gap: no window was closed between {TimeRange.Format(committed)} and " +
                $"{TimeRange.Format(todo[0])}");
        return todo;
    }
}
