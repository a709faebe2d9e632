namespace FlowSpike.Synth;

/// <summary>Small deterministic helpers: seed mixing and Poisson / normal draws from a seeded <see cref="Random"/>.</summary>
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
}
