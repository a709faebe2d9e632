using System.Buffers.Binary;

namespace FlowSpike.Baseline;

/// <summary>
/// A host's hour-of-week profile: for each of the 168 hours of the week, a running mean of the counts seen in that
/// hour (weight up to <see cref="SlotWeight"/> weeks) and how many weeks it has seen. Until an hour has two weeks of
/// data, the expectation backs off to the mean of the same hour of day over the days seen, so a daily job is learned in
/// a day and a weekly one in two weeks. Stored as 168 floats and 168 counters (840 bytes per host).
/// </summary>
public static class SeasonalProfile
{
    public const int Slots = 168;
    public const int SlotWeight = 4;
    public const int Bytes = Slots * 5;

    /// <summary>Hour of the week with Monday 00:00 UTC as 0 (1970-01-01 was a Thursday).</summary>
    public static int SlotOf(long windowStart) => (int)(((Math.Floor(windowStart / 3600.0) + 72) % Slots + Slots) % Slots);

    public static byte[] Empty() => new byte[Bytes];

    public static float Mean(ReadOnlySpan<byte> profile, int slot) => BinaryPrimitives.ReadSingleLittleEndian(profile[(slot * 4)..]);

    public static int Seen(ReadOnlySpan<byte> profile, int slot) => profile[Slots * 4 + slot];

    /// <summary>The count expected in this window's hour; 0 when the hour of day was never seen.</summary>
    public static double Expected(ReadOnlySpan<byte> profile, long windowStart)
    {
        if (profile.Length != Bytes)
            return 0;
        int slot = SlotOf(windowStart);
        if (Seen(profile, slot) >= 2)
            return Mean(profile, slot);
        double sum = 0;
        int days = 0;
        for (int s = slot % 24; s < Slots; s += 24)
        {
            if (Seen(profile, s) == 0)
                continue;
            sum += Mean(profile, s);
            days++;
        }
        return days == 0 ? 0 : sum / days;
    }

    /// <summary>A copy of the profile with the count folded into its hour's mean.</summary>
    public static byte[] Update(ReadOnlySpan<byte> profile, long windowStart, long count)
    {
        var updated = profile.Length == Bytes ? profile.ToArray() : Empty();
        int slot = SlotOf(windowStart);
        int seen = Seen(updated, slot);
        float mean = Mean(updated, slot);
        int weight = Math.Min(seen + 1, SlotWeight);
        mean += (float)((count - mean) / weight);
        BinaryPrimitives.WriteSingleLittleEndian(updated.AsSpan(slot * 4), mean);
        updated[Slots * 4 + slot] = (byte)Math.Min(seen + 1, 255);
        return updated;
    }

    /// <summary>
    /// The expectation for this window's hour, each level shrunk towards the one above with the weight of one
    /// observation: the overall mean, then the hour of day, then the same hour on weekdays or at weekends, then this hour
    /// of the week (observations capped at <see cref="SlotWeight"/> per slot).
    /// </summary>
    public static double Shrunk(ReadOnlySpan<byte> profile, long windowStart, double overall)
    {
        if (profile.Length != Bytes)
            return overall;
        int slot = SlotOf(windowStart), hour = slot % 24;
        bool weekend = slot / 24 >= 5;
        double daySum = 0, typeSum = 0, dayN = 0, typeN = 0;
        for (int s = hour; s < Slots; s += 24)
        {
            int n = Math.Min(Seen(profile, s), SlotWeight);
            if (n == 0)
                continue;
            double m = Mean(profile, s);
            daySum += n * m;
            dayN += n;
            if (s / 24 >= 5 == weekend)
            {
                typeSum += n * m;
                typeN += n;
            }
        }
        double e = (daySum + overall) / (dayN + 1);
        e = (typeSum + e) / (typeN + 1);
        int own = Math.Min(Seen(profile, slot), SlotWeight);
        return (own * Mean(profile, slot) + e) / (own + 1);
    }
}
