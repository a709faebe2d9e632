using FlowSpike.Models;

namespace FlowSpike.Synth;

/// <summary>Draws a zoo host's hourly counts from its true distribution: on and off runs for an intermittent host,
/// log-normal bursts, gamma-mixed (negative binomial) or plain Poisson counts (exact at every mean).</summary>
internal static class ZooCounts
{
    /// <summary>Burst multipliers: log-normal with median 3 and σ 0.5.</summary>
    public static double BurstMultiplier(double z) => 3 * Math.Exp(0.5 * z);

    public static int[] Draw(ZooScenario.Host host, Random rng, int hours)
    {
        var counts = new int[hours];
        bool on = rng.NextDouble() < host.ActiveShare;
        // A two-state chain with mean run length MeanRun when on, and the off runs that keep the active share.
        double leaveOn = 1 / host.MeanRun;
        double leaveOff = host.ActiveShare >= 1 ? 1 : leaveOn * host.ActiveShare / (1 - host.ActiveShare);
        for (int h = host.FirstHour; h < hours; h++)
        {
            if (host.ActiveShare < 1)
            {
                if (h > host.FirstHour)
                    on = on ? rng.NextDouble() >= leaveOn : rng.NextDouble() < leaveOff;
                if (!on)
                    continue;
            }
            double mean = host.Level(h);
            if (host.BurstShare > 0 && rng.NextDouble() < host.BurstShare)
                mean *= BurstMultiplier(SynthMath.Gaussian(rng));
            if (host.Alpha > 0)
            {
                double shape = 1 / host.Alpha;
                mean *= Gamma(rng, shape) / shape;
            }
            counts[h] = Poisson(rng, mean);
        }
        return counts;
    }

    /// <summary>
    /// An exact Poisson draw: Knuth's product of uniforms below a mean of 30 (the same draws as
    /// <see cref="SynthMath.Poisson"/>), above it inversion of one uniform, the distribution function walked from the
    /// mode. SynthMath's normal approximation above 30 has too thin a tail for the oracle, which scores counts against
    /// the exact Poisson and negative binomial; and a sum of several Knuth draws is not exact either with the seeded
    /// <see cref="Random"/>, whose successive uniforms are correlated enough to show at a 1% tail.
    /// </summary>
    public static int Poisson(Random rng, double mean)
    {
        if (mean < 30)
            return SynthMath.Poisson(rng, mean);
        double u = rng.NextDouble();
        long k = (long)Math.Floor(mean);
        double pmf = Math.Exp(-mean + k * Math.Log(mean) - CountTails.LogFactorial(k));
        // F = P(X ≤ k); X is the smallest k with u < F(k).
        double f = 1 - CountTails.PoissonUpper(k + 1, mean);
        if (u < f)
        {
            while (k > 0 && u < f - pmf)
            {
                f -= pmf;
                pmf *= k / mean;
                k--;
            }
        }
        else
        {
            while (u >= f && pmf > 0)
            {
                k++;
                pmf *= mean / k;
                f += pmf;
            }
        }
        return (int)Math.Min(k, int.MaxValue);
    }

    /// <summary>A Gamma(shape, 1) draw (Marsaglia and Tsang).</summary>
    private static double Gamma(Random rng, double shape)
    {
        if (shape < 1)
            return Gamma(rng, shape + 1) * Math.Pow(rng.NextDouble(), 1 / shape);
        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x = SynthMath.Gaussian(rng), v = 1 + c * x;
            if (v <= 0)
                continue;
            v = v * v * v;
            double u = rng.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v))
                return d * v;
        }
    }
}
