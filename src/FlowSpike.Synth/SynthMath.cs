namespace FlowSpike.Synth;

/// <summary>Small deterministic helpers: seed mixing, Poisson / normal draws from a seeded <see cref="Random"/>,
/// the normal quantile.</summary>
internal static class SynthMath
{
    /// <summary>Derives an independent seed for one stream (world, spikes, one hour of one account) so
    /// that each stream is reproducible on its own, e.g. for the size calibration dry run.</summary>
    public static int MixSeed(int seed, long a, long b)
    {
        var z = Finalize((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL);
        z = Finalize(z ^ ((ulong)a * 0xBF58476D1CE4E5B9UL));
        z = Finalize(z ^ ((ulong)b * 0x94D049BB133111EBUL));
        return (int)(z & 0x7FFF_FFFF);
    }

    // SplitMix64 finaliser.
    private static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static int Poisson(Random rng, double lambda)
    {
        if (lambda <= 0)
        {
            return 0;
        }

        if (lambda < 30)
        {
            // Knuth: exact and cheap for the small per-host-hour rates that dominate.
            var limit = Math.Exp(-lambda);
            var p = rng.NextDouble();
            var k = 0;
            while (p > limit)
            {
                k++;
                p *= rng.NextDouble();
            }

            return k;
        }

        // Normal approximation is good enough for the bulk noise volume at large rates.
        var n = Math.Round(lambda + Math.Sqrt(lambda) * Gaussian(rng));
        return n <= 0 ? 0 : n >= int.MaxValue ? int.MaxValue : (int)n;
    }

    public static double Gaussian(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>The standard normal quantile (Acklam's rational approximation, relative error about 1e-9).</summary>
    public static double InverseNormal(double p)
    {
        double[] a =
        [
            -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.3577518672690, -30.66479806614716,
            2.506628277459239,
        ];
        double[] b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
        double[] c =
        [
            -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
            2.938163982698783,
        ];
        double[] d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
        if (p < 0.02425)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - 0.02425)
            return -InverseNormal(1 - p);
        double r = p - 0.5, s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r
            / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }
}
