using System.Buffers.Binary;

namespace FlowSpike.Models;

/// <summary>
/// A host's hour-of-week profile: for each of the 168 hours of the week, a running mean of the counts seen in that
/// hour (weight up to <see cref="SlotWeight"/> weeks) and how many weeks it has seen. Until an hour has two weeks of
/// data, the expectation backs off to the mean of the same hour of day over the days seen, so a daily job is learned in
/// a day and a weekly one in two weeks. Stored as 168 floats and 168 counters (840 bytes per host).
/// </summary>
internal static class SeasonalProfile
{
    public const int Slots = 168;
    public const int SlotWeight = 4;
    public const int Bytes = Slots * 5;

    /// <summary>Hour of the week with Monday 00:00 UTC as 0 (1970-01-01 was a Thursday).</summary>
    public static int SlotOf(long windowStart) =>
        (int)(((Math.Floor(windowStart / 3600.0) + 72) % Slots + Slots) % Slots);

    public static byte[] Empty() => new byte[Bytes];

    public static float Mean(ReadOnlySpan<byte> profile, int slot) =>
        BinaryPrimitives.ReadSingleLittleEndian(profile[(slot * 4)..]);

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

    /// <summary>Effective observations behind a slot's mean: exact up to the cap, then an EWMA of weight 1/4.</summary>
    private static double EffectiveN(int seen) => Math.Min(seen, 2 * SlotWeight - 1);

    /// <summary>
    /// The expectation for this window's hour by empirical Bayes, and the variance of that estimate. The slots are
    /// pooled by hour of day within weekdays and within weekends (a group); the spread of the slots inside their groups
    /// measures the host's noise as a quasi-Poisson factor φ (variance φ·mean, φ ≥ 1, a prior of
    /// <see cref="NoisePrior"/> slots at φ = 1); the spread of the group means beyond that noise is the cycle's signal
    /// τ². This hour's group mean is then shrunk towards the profile's grand mean with weight
    /// τ² / (τ² + φ·m / n), so a host with no cycle is tested against its long mean and a strong cycle (a nightly
    /// job seen once) is followed at once.
    /// </summary>
    public static (double Expected, double Variance, double Phi) Pooled(
        ReadOnlySpan<byte> profile, long windowStart, double overall)
    {
        if (profile.Length != Bytes)
            return (overall, 0, 1);
        Span<double> sum = stackalloc double[48], n = stackalloc double[48];
        Span<int> k = stackalloc int[48];
        sum.Clear();
        n.Clear();
        k.Clear();
        double total = 0, totalN = 0;
        for (int s = 0; s < Slots; s++)
        {
            int seen = Seen(profile, s);
            if (seen == 0)
                continue;
            double w = EffectiveN(seen), m = Mean(profile, s);
            int g = Group(s);
            sum[g] += w * m;
            n[g] += w;
            k[g]++;
            total += w * m;
            totalN += w;
        }
        if (totalN <= 0)
            return (overall, 0, 1);
        double grand = total / totalN;
        double chi = 0;
        int df = 0;
        for (int s = 0; s < Slots; s++)
        {
            int seen = Seen(profile, s);
            if (seen == 0)
                continue;
            int g = Group(s);
            double gm = sum[g] / n[g], d = Mean(profile, s) - gm;
            chi += EffectiveN(seen) * d * d / Math.Max(gm, MinNoiseMean);
        }
        for (int g = 0; g < 48; g++)
            df += Math.Max(k[g] - 1, 0);
        double phi = Math.Max((chi + NoisePrior) / (df + NoisePrior), 1);
        double between = 0, noise = 0;
        int groups = 0;
        for (int g = 0; g < 48; g++)
        {
            if (n[g] <= 0)
                continue;
            double gm = sum[g] / n[g];
            between += (gm - grand) * (gm - grand);
            noise += phi * Math.Max(gm, MinNoiseMean) / n[g];
            groups++;
        }
        int slot = SlotOf(windowStart);
        int own = Group(slot), other = own < 24 ? own + 24 : own - 24;
        int use = n[own] > 0 ? own : n[other] > 0 ? other : -1;
        if (use < 0 || groups < 2)
            return (grand, phi * Math.Max(grand, MinNoiseMean) / totalN, phi);
        double tau2 = Math.Max(between / (groups - 1) - noise / groups, 0);
        double mean = sum[use] / n[use];
        double v = phi * Math.Max(mean, MinNoiseMean) / n[use];
        // The shrinkage weighs the hour's mean by its noise were it the grand mean: measured at its own low mean, one
        // chance zero would look certain and set a flat host's hour near 0 (a normal count then a spike and a burst).
        double vNull = phi * Math.Max(Math.Max(mean, grand), MinNoiseMean) / n[use];
        double weight = tau2 <= 0 ? 0 : tau2 / (tau2 + vNull);
        return (grand + weight * (mean - grand), weight * v + phi * Math.Max(grand, MinNoiseMean) / totalN, phi);
    }

    /// <summary>
    /// True when no slot of this window's group (its hour of day on weekdays, or at weekends) has been seen: its
    /// expectation is borrowed from the other group or the grand mean, a guess (a first weekend, a first day).
    /// </summary>
    public static bool Borrowed(ReadOnlySpan<byte> profile, long windowStart)
    {
        if (profile.Length != Bytes)
            return true;
        int group = Group(SlotOf(windowStart));
        for (int s = group % 24; s < Slots; s += 24)
        {
            if (Group(s) == group && Seen(profile, s) > 0)
                return false;
        }
        return true;
    }

    /// <summary>Slots of prior at φ = 1 (Poisson noise) in the noise estimate of <see cref="Pooled"/>.</summary>
    public const double NoisePrior = 5;

    /// <summary>The smallest mean the noise of a slot is measured at (an empty hour still has some noise).</summary>
    public const double MinNoiseMean = 0.1;

    /// <summary>The slot's group: its hour of day, on weekdays (0-23) or at weekends (24-47).</summary>
    private static int Group(int slot) => slot % 24 + (slot / 24 >= 5 ? 24 : 0);
}
