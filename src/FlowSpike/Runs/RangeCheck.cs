using FlowSpike.Time;

namespace FlowSpike.Runs;

/// <summary>The checks of a run's range against its window size and the clock, with messages that name the
/// settings.</summary>
internal static class RangeCheck
{
    public static void Validate(long from, long to, long size, string sizeSetting)
    {
        if (size <= 0)
            throw new RunException($"{Setting.Name(sizeSetting)} must be positive");
        if (to <= from)
            throw new RunException($"{Setting.Name(nameof(JobSettings.To))} ({TimeRange.Format(to)}) must be after " +
                $"{Setting.Name(nameof(JobSettings.From))} " +
                $"({TimeRange.Format(from)})");
        if (!WindowMath.IsAligned(from, size))
            throw new RunException($"{Setting.Name(nameof(JobSettings.From))} {TimeRange.Format(from)} is not " +
                $"aligned to " +
                $"{Setting.Name(sizeSetting)} {size}s (nearest: {TimeRange.Format(WindowMath.Floor(from, size))})");
        if (!WindowMath.IsAligned(to, size))
            throw new RunException($"{Setting.Name(nameof(JobSettings.To))} {TimeRange.Format(to)} is not aligned to " +
                $"{Setting.Name(sizeSetting)} " +
                $"{size}s (nearest: {TimeRange.Format(WindowMath.Floor(to, size))})");
    }

    /// <summary>
    /// Refuses a range end later than now (a window still running, a typo in the year, a clock far off): a window that
    /// has not ended would be committed with part of its records, and the rest skipped as late.
    /// </summary>
    public static void RefuseFuture(long to, string setting = "To", long? now = null)
    {
        long current = now ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (to > current)
        {
            throw new RunException($"{Setting.Name(setting)} {TimeRange.Format(to)} is in the future (now is " +
                $"{TimeRange.Format(current)}): a window that has not ended cannot be committed (its later records " +
                    $"would " +
                "be skipped as late)");
        }
    }
}
