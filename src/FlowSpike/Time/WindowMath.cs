namespace FlowSpike.Time;

/// <summary>Epoch-aligned windows: window k of size s covers [k*s, (k+1)*s).</summary>
internal static class WindowMath
{
    public static long Floor(long epochSeconds, long size) =>
        epochSeconds >= 0 ? epochSeconds - epochSeconds % size : epochSeconds - ((epochSeconds % size) + size) % size;

    public static bool IsAligned(long epochSeconds, long size) => epochSeconds % size == 0;

    /// <summary>The window starts in [from, to), which must both be aligned.</summary>
    public static IEnumerable<long> Starts(long from, long to, long size)
    {
        for (long w = from; w < to; w += size)
            yield return w;
    }
}
