using FlowSpike.Models;

namespace FlowSpike.Synth;

/// <summary>
/// A zoo of host behaviours (`flowspike synth --scenario zoo`): plain Poisson hosts from 0.2 to 200 an hour,
/// overdispersed (negative binomial), intermittent, daily, weekly and office-hours cycles in several time zones, slow
/// trends and level shifts, periodic jobs, heavy-tailed normal bursts, and new hosts, quiet or already beaconing.
/// Spikes of ×3, ×5, ×10 and +50 are injected relative to each host's own level for that hour (never taken below
/// <see cref="MinSpikeLevel"/>). Every label carries the behaviour, the spike size and an oracle score: the tail
/// probability of the observed count under the host's true distribution for that hour. A seed gives the same files.
/// </summary>
internal static class ZooScenario
{
    public const string Name = "zoo";

    /// <summary>A multiplicative spike is relative to the hour's level, but never to a level below this.</summary>
    public const double MinSpikeLevel = 3;

    public static IReadOnlyList<string> Behaviours { get; } =
    [
        "poisson", "overdispersed", "intermittent", "daily-cycle", "weekly-cycle", "office-hours", "trend-shift",
        "periodic-job", "bursty", "new-quiet", "new-beaconing",
    ];

    public static IReadOnlyList<string> SpikeSizes { get; } = ["x3", "x5", "x10", "+50"];

    /// <summary>The first hour: 2026-10-05T00:00:00Z, a Monday.</summary>
    public static DateTimeOffset Start { get; } = new(2026, 10, 5, 0, 0, 0, TimeSpan.Zero);

    public const int BaselineDays = 14;

    /// <summary>One host of the zoo and its true distribution per hour.</summary>
    public sealed class Host
    {
        public required string Ip { get; init; }
        public required string Account { get; init; }
        public required string Behaviour { get; init; }
        public int FirstHour { get; init; }
        /// <summary>Mean per hour when active (the level spikes are relative to).</summary>
        public required Func<int, double> Level { get; init; }
        /// <summary>Negative binomial dispersion of an active hour (0: Poisson).</summary>
        public double Alpha { get; init; }
        /// <summary>Stationary share of active hours (1 unless intermittent).</summary>
        public double ActiveShare { get; init; } = 1;
        public double MeanRun { get; init; } = 1;
        /// <summary>Share of hours with a normal burst, and the burst multiplier's log-normal median and
        /// spread.</summary>
        public double BurstShare { get; init; }
        public int[] Counts = [];
    }

    public sealed record Spike(Host Host, int Hour, string Size, int Extra, int Count, double OracleTail);

    public sealed class World
    {
        public required List<Host> Hosts { get; init; }
        public required List<Spike> Spikes { get; init; }
        public required int Hours { get; init; }
        public int DetectFrom => BaselineDays * 24;
    }

    internal const string AccountA = "111111111111", AccountB = "222222222222";

    /// <summary>The zoo's hosts and counts; <paramref name="spikes"/> false gives the same data without
    /// spikes.</summary>
    public static World Build(int seed, int perBehaviour = 10, int detectDays = 7, bool spikes = true)
    {
        int hours = (BaselineDays + detectDays) * 24, detectFrom = BaselineDays * 24;
        var rng = new Random(SynthMath.MixSeed(seed, 0x200, 1));
        var hosts = new List<Host>();
        int n = 0;
        foreach (string behaviour in Behaviours)
        {
            for (int i = 0; i < perBehaviour; i++, n++)
            {
                string account = n % 2 == 0 ? AccountA : AccountB;
                string ip = $"10.{20 + Behaviours.ToList().IndexOf(behaviour)}.{i / 200}.{10 + i % 200}";
                double u = (i + rng.NextDouble()) / perBehaviour;
                hosts.Add(ZooBehaviours.NewHost(behaviour, ip, account, u, rng, hours, detectFrom));
            }
        }
        foreach (var (host, index) in hosts.Select((h, i) => (h, i)))
            host.Counts = ZooCounts.Draw(host, new Random(SynthMath.MixSeed(seed, 0x300 + index, 2)), hours);
        var planned = new List<Spike>();
        if (spikes)
        {
            var spikeRng = new Random(SynthMath.MixSeed(seed, 0x400, 3));
            var eligible = hosts.Where(h => h.Behaviour is not ("new-quiet" or "new-beaconing")).ToList();
            int k = 0;
            foreach (var host in eligible.OrderBy(_ => spikeRng.Next()).Take(eligible.Count * 2 / 3))
            {
                string size = SpikeSizes[k++ % SpikeSizes.Count];
                int hour = spikeRng.Next(detectFrom + 6, hours - 1);
                double level = Math.Max(host.Level(hour), MinSpikeLevel);
                int extra = size switch
                {
                    "x3" => (int)Math.Round(2 * level),
                    "x5" => (int)Math.Round(4 * level),
                    "x10" => (int)Math.Round(9 * level),
                    _ => 50,
                };
                host.Counts[hour] += extra;
                int count = host.Counts[hour];
                planned.Add(new Spike(host, hour, size, extra, count, OracleTail(host, hour, count)));
            }
            foreach (var host in hosts.Where(h => h.Behaviour == "new-beaconing"))
            {
                int count = host.Counts[host.FirstHour];
                planned.Add(new Spike(host, host.FirstHour, "new", 0, count, OracleTail(host, host.FirstHour, count)));
            }
        }
        return new World
        {
            Hosts = hosts,
            Spikes = [.. planned.OrderBy(s => s.Hour).ThenBy(s => s.Host.Ip, StringComparer.Ordinal)],
            Hours = hours,
        };
    }

    /// <summary>
    /// P(X ≥ count) under the host's true distribution for that hour: Poisson or negative binomial at its level; for
    /// an intermittent host the active share times the active tail; for a bursty host the mixture with its bursts,
    /// integrated over the whole log-normal of the burst multiplier (<see cref="BurstTail"/>). A new beaconing host is
    /// scored against the busiest quiet new host (Poisson 4): what a new host normally looks like.
    /// </summary>
    public static double OracleTail(Host host, int hour, int count)
    {
        if (host.Behaviour == "new-beaconing")
            return CountTails.PoissonUpper(count, 4);
        if (count <= 0)
            return 1;
        double level = host.Level(hour);
        double tail = CountTails.NegBinomialUpper(count, level, host.Alpha);
        if (host.BurstShare > 0)
            tail = (1 - host.BurstShare) * tail + host.BurstShare * BurstTail(count, level, host.Alpha);
        return host.ActiveShare < 1 ? host.ActiveShare * tail : tail;
    }

    /// <summary>
    /// Whether <see cref="OracleTail"/> is below <paramref name="threshold"/>, without the burst integral when the
    /// tail without bursts already rules it out (the mixture is at least (1 − q) times it).
    /// </summary>
    public static bool OracleBelow(Host host, int hour, int count, double threshold)
    {
        if (count <= 0)
            return false;
        if (host.Behaviour != "new-beaconing" && host.BurstShare > 0)
        {
            double bound = (1 - host.BurstShare) * CountTails.NegBinomialUpper(count, host.Level(hour), host.Alpha);
            if (Math.Min(host.ActiveShare, 1) * bound >= threshold)
                return false;
        }
        return OracleTail(host, hour, count) < threshold;
    }

    /// <summary>
    /// P(X ≥ count) in a burst hour:
    /// ∫ φ(z) · P(X ≥ count | mean level · <see cref="ZooCounts.BurstMultiplier"/>(z)) dz over the standard
    /// normal z of the multiplier. The conditional tail goes from 0 to 1 across a band of z around the z whose burst
    /// mean is the count (its width set by the count's relative spread): Simpson's rule on that band, the normal
    /// density alone above it (the tail is 1 there), nothing below it (the tail is negligible); z beyond
    /// ±<see cref="BurstZLimit"/> has no mass a double can see next to the rest.
    /// </summary>
    public static double BurstTail(int count, double level, double alpha)
    {
        if (count <= 0)
            return 1;
        if (level <= 0)
            return 0;
        double centre = 2 * Math.Log(count / ZooCounts.BurstMultiplier(0) / level);
        double half = 2 * 12 * Math.Sqrt(1.0 / count + alpha);
        double lo = Math.Clamp(centre - half, -BurstZLimit, BurstZLimit);
        double hi = Math.Clamp(centre + half, -BurstZLimit, BurstZLimit);
        double band = lo < hi
            ? Simpson(z => Density(z) * CountTails.NegBinomialUpper(count, level * ZooCounts.BurstMultiplier(z), alpha),
                lo, hi, BandSteps)
            : 0;
        return Math.Min(1, band + (hi < BurstZLimit ? Simpson(Density, hi, BurstZLimit, BandSteps) : 0));
    }

    /// <summary>The burst multiplier's normal z is integrated over [−9, 9].</summary>
    public const double BurstZLimit = 9;

    private const int BandSteps = 240;

    private static double Density(double z) => Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI);

    private static double Simpson(Func<double, double> f, double from, double to, int steps)
    {
        double h = (to - from) / steps, sum = f(from) + f(to);
        for (int i = 1; i < steps; i++)
            sum += (i % 2 == 1 ? 4 : 2) * f(from + i * h);
        return sum * h / 3;
    }

    /// <summary>A host's hourly counts from its true distribution, drawn from <paramref name="seed"/> (what
    /// <see cref="Build"/> draws for each host).</summary>
    public static int[] DrawCounts(Host host, int seed, int hours) => ZooCounts.Draw(host, new Random(seed), hours);

    /// <summary>
    /// Writes DIR/flows.log, DIR/labels.csv (with behaviour, size and oracle tail), DIR/hosts.csv (every host's
    /// behaviour) and DIR/oracle.csv (the detection host-hours whose oracle tail is below 1e-3); returns the labels.
    /// </summary>
    public static int Write(string dir, int seed) => ZooFiles.Write(Build(seed), dir, seed);
}
