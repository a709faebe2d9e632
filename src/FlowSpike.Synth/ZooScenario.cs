using System.Globalization;
using System.Text;
using FlowSpike.Baseline;

namespace FlowSpike.Synth;

/// <summary>
/// A zoo of host behaviours (`flowspike synth --scenario zoo`): plain Poisson hosts from 0.2 to 200 an hour,
/// overdispersed (negative binomial), intermittent, daily, weekly and office-hours cycles in several time zones, slow
/// trends and level shifts, periodic jobs, heavy-tailed normal bursts, and new hosts, quiet or already beaconing.
/// Spikes of ×3, ×5, ×10 and +50 are injected relative to each host's own level for that hour (never taken below
/// <see cref="MinSpikeLevel"/>). Every label carries the behaviour, the spike size and an oracle score: the tail
/// probability of the observed count under the host's true distribution for that hour. A seed gives the same files.
/// </summary>
public static class ZooScenario
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
        /// <summary>Share of hours with a normal burst, and the burst multiplier's log-normal median and spread.</summary>
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

    private const string AccountA = "111111111111", AccountB = "222222222222";

    /// <summary>The zoo's hosts and counts; <paramref name="spikes"/> false gives the same data without spikes.</summary>
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
                hosts.Add(NewHost(behaviour, ip, account, u, rng, hours, detectFrom));
            }
        }
        foreach (var (host, index) in hosts.Select((h, i) => (h, i)))
            host.Counts = Draw(host, new Random(SynthMath.MixSeed(seed, 0x300 + index, 2)), hours);
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
                planned.Add(new Spike(host, hour, size, extra, host.Counts[hour], OracleTail(host, hour, host.Counts[hour])));
            }
            foreach (var host in hosts.Where(h => h.Behaviour == "new-beaconing"))
                planned.Add(new Spike(host, host.FirstHour, "new", 0, host.Counts[host.FirstHour], OracleTail(host, host.FirstHour, host.Counts[host.FirstHour])));
        }
        return new World { Hosts = hosts, Spikes = [.. planned.OrderBy(s => s.Hour).ThenBy(s => s.Host.Ip, StringComparer.Ordinal)], Hours = hours };
    }

    private static Host NewHost(string behaviour, string ip, string account, double u, Random rng, int hours, int detectFrom)
    {
        double LogUniform(double lo, double hi) => lo * Math.Pow(hi / lo, u);
        switch (behaviour)
        {
            case "poisson":
                {
                    double rate = LogUniform(0.2, 200);
                    return new Host { Ip = ip, Account = account, Behaviour = behaviour, Level = _ => rate };
                }
            case "overdispersed":
                {
                    double mean = LogUniform(1, 100), ratio = 2 + 4 * rng.NextDouble();
                    return new Host { Ip = ip, Account = account, Behaviour = behaviour, Level = _ => mean, Alpha = (ratio - 1) / mean };
                }
            case "intermittent":
                {
                    double level = LogUniform(3, 60), share = 0.1 + 0.3 * rng.NextDouble(), run = 3 + 5 * rng.NextDouble();
                    return new Host { Ip = ip, Account = account, Behaviour = behaviour, Level = _ => level, ActiveShare = share, MeanRun = run };
                }
            case "daily-cycle":
                {
                    double baseRate = LogUniform(1, 60), amplitude = 0.5 + 0.45 * rng.NextDouble(), peak = 24 * rng.NextDouble();
                    return new Host
                    {
                        Ip = ip,
                        Account = account,
                        Behaviour = behaviour,
                        Level = h => baseRate * (1 + amplitude * Math.Cos(2 * Math.PI * (h % 24 - peak) / 24)),
                    };
                }
            case "weekly-cycle":
                {
                    double weekday = LogUniform(2, 80), weekend = weekday * (0.1 + 0.2 * rng.NextDouble());
                    return new Host { Ip = ip, Account = account, Behaviour = behaviour, Level = h => h / 24 % 7 >= 5 ? weekend : weekday };
                }
            case "office-hours":
                {
                    int[] zones = [-8, -5, 0, 1, 5, 9];
                    int zone = zones[rng.Next(zones.Length)];
                    double busy = LogUniform(5, 80), quiet = 0.2 + 1.3 * rng.NextDouble();
                    return new Host
                    {
                        Ip = ip,
                        Account = account,
                        Behaviour = behaviour,
                        Level = h =>
                        {
                            int local = h + zone;
                            int day = ((local / 24 % 7) + 7) % 7, hour = ((local % 24) + 24) % 24;
                            return day < 5 && hour is >= 9 and < 18 ? busy : quiet;
                        },
                    };
                }
            case "trend-shift":
                {
                    double level = LogUniform(2, 80);
                    if (rng.Next(2) == 0)
                    {
                        double growth = 0.5 + rng.NextDouble();
                        return new Host { Ip = ip, Account = account, Behaviour = behaviour, Level = h => level * (1 + growth * h / hours) };
                    }
                    double factor = rng.Next(2) == 0 ? 1.5 + 0.5 * rng.NextDouble() : 0.4 + 0.2 * rng.NextDouble();
                    int at = rng.Next(detectFrom - 72, hours - 48);
                    return new Host { Ip = ip, Account = account, Behaviour = behaviour, Level = h => h < at ? level : level * factor };
                }
            case "periodic-job":
                {
                    int[] periods = [6, 12, 24];
                    int period = periods[rng.Next(3)], phase = rng.Next(period), length = 1 + rng.Next(2);
                    double job = LogUniform(10, 100), off = rng.Next(2) == 0 ? 0.05 : 0.5;
                    return new Host { Ip = ip, Account = account, Behaviour = behaviour, Level = h => (h - phase + period) % period < length ? job : off };
                }
            case "bursty":
                {
                    double rate = LogUniform(1, 60);
                    return new Host { Ip = ip, Account = account, Behaviour = behaviour, Level = _ => rate, BurstShare = 0.02 + 0.02 * rng.NextDouble() };
                }
            case "new-quiet":
                {
                    double rate = LogUniform(0.2, 4);
                    return new Host { Ip = ip, Account = account, Behaviour = behaviour, Level = _ => rate, FirstHour = detectFrom + rng.Next(48) };
                }
            default:
                {
                    double rate = LogUniform(15, 80);
                    return new Host { Ip = ip, Account = account, Behaviour = behaviour, Level = _ => rate, FirstHour = detectFrom + rng.Next(48) };
                }
        }
    }

    /// <summary>Burst multipliers: log-normal with median 3 and σ 0.5.</summary>
    private static double BurstMultiplier(double z) => 3 * Math.Exp(0.5 * z);

    private static int[] Draw(Host host, Random rng, int hours)
    {
        var counts = new int[hours];
        bool on = rng.NextDouble() < host.ActiveShare;
        // A two-state chain with mean run length MeanRun when on, and the off runs that keep the active share.
        double leaveOn = 1 / host.MeanRun, leaveOff = host.ActiveShare >= 1 ? 1 : leaveOn * host.ActiveShare / (1 - host.ActiveShare);
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
            counts[h] = SynthMath.Poisson(rng, mean);
        }
        return counts;
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

    /// <summary>
    /// P(X ≥ count) under the host's true distribution for that hour: Poisson or negative binomial at its level; for an
    /// intermittent host the active share times the active tail; for a bursty host the mixture with its bursts. A new
    /// beaconing host is scored against the busiest quiet new host (Poisson 4): what a new host normally looks like.
    /// </summary>
    public static double OracleTail(Host host, int hour, int count)
    {
        if (host.Behaviour == "new-beaconing")
            return CountTails.PoissonUpper(count, 4);
        double level = host.Level(hour);
        double tail = host.Alpha > 0 ? CountTails.NegBinomialUpper(count, level, host.Alpha) : CountTails.PoissonUpper(count, level);
        if (host.BurstShare > 0)
        {
            double burst = 0;
            const int Points = 24;
            for (int i = 0; i < Points; i++)
            {
                double z = InverseNormal((i + 0.5) / Points);
                burst += CountTails.PoissonUpper(count, level * BurstMultiplier(z)) / Points;
            }
            tail = (1 - host.BurstShare) * tail + host.BurstShare * burst;
        }
        return host.ActiveShare < 1 ? (count <= 0 ? 1 : host.ActiveShare * tail) : tail;
    }

    /// <summary>The standard normal quantile (Acklam's rational approximation, relative error about 1e-9).</summary>
    private static double InverseNormal(double p)
    {
        double[] a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.3577518672690, -30.66479806614716, 2.506628277459239];
        double[] b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
        double[] c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
        double[] d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
        if (p < 0.02425)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - 0.02425)
            return -InverseNormal(1 - p);
        double r = p - 0.5, s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }

    /// <summary>
    /// Writes DIR/flows.log, DIR/labels.csv (with behaviour, size and oracle tail), DIR/hosts.csv (every host's
    /// behaviour) and DIR/oracle.csv (the detection host-hours whose oracle tail is below 1e-3); returns the labels.
    /// </summary>
    public static int Write(string dir, int seed)
    {
        var world = Build(seed);
        Directory.CreateDirectory(dir);
        long t0 = Start.ToUnixTimeSeconds();
        var rng = new Random(SynthMath.MixSeed(seed, 0x500, 4));
        var enis = world.Hosts.Select((h, i) => (h, i)).ToDictionary(
            x => x.h, x => "eni-" + SynthMath.MixSeed(seed, 0x600, x.i).ToString("x8", CultureInfo.InvariantCulture) + "00000000");
        using (var w = new StreamWriter(Path.Combine(dir, "flows.log"), false, new UTF8Encoding(false), 1 << 16))
        {
            w.Write(WeaknessScenario.Header + "\n");
            var line = new StringBuilder(160);
            for (int h = 0; h < world.Hours; h++)
            {
                foreach (var host in world.Hosts)
                {
                    int count = host.Counts[h];
                    string vpc = host.Account == AccountA ? "vpc-0aaaaaaaaaaaaaaaa" : "vpc-0bbbbbbbbbbbbbbbb";
                    for (int k = 0; k < count; k++)
                    {
                        long start = t0 + h * 3600L + rng.Next(3540);
                        line.Clear();
                        line.Append(CultureInfo.InvariantCulture, $"5 {host.Account} {vpc} {enis[host]} {host.Ip} 203.0.{113 + rng.Next(2)}.{rng.Next(1, 255)} {32768 + rng.Next(28000)} 443 6 1 60 {start} {start + 5} REJECT OK\n");
                        w.Write(line);
                    }
                }
            }
        }
        var labels = new StringBuilder("src_ip,window_start,window_end,extra_blocked,account,behaviour,size,count,oracle_tail\n");
        foreach (var s in world.Spikes)
        {
            var ws = Start.AddHours(s.Hour);
            // A new beaconing host is labelled from its first hour to the end: every alert on it is true.
            var we = s.Size == "new" ? Start.AddHours(world.Hours) : ws.AddHours(1);
            labels.Append(CultureInfo.InvariantCulture, $"{s.Host.Ip},{ws:yyyy-MM-ddTHH:mm:ssZ},{we:yyyy-MM-ddTHH:mm:ssZ},{s.Extra},{s.Host.Account},{s.Host.Behaviour},{s.Size},{s.Count},{s.OracleTail:R}\n");
        }
        File.WriteAllText(Path.Combine(dir, "labels.csv"), labels.ToString());
        var hostsCsv = new StringBuilder("src_ip,account,behaviour,first_seen\n");
        foreach (var host in world.Hosts)
            hostsCsv.Append(CultureInfo.InvariantCulture, $"{host.Ip},{host.Account},{host.Behaviour},{Start.AddHours(host.FirstHour):yyyy-MM-ddTHH:mm:ssZ}\n");
        File.WriteAllText(Path.Combine(dir, "hosts.csv"), hostsCsv.ToString());
        var oracle = new StringBuilder("src_ip,account,window_start,count,oracle_tail\n");
        foreach (var host in world.Hosts)
        {
            for (int h = Math.Max(world.DetectFrom, host.FirstHour); h < world.Hours; h++)
            {
                if (host.Counts[h] == 0 || host.Counts[h] <= host.Level(h))
                    continue;
                double tail = OracleTail(host, h, host.Counts[h]);
                if (tail < 1e-3)
                    oracle.Append(CultureInfo.InvariantCulture, $"{host.Ip},{host.Account},{Start.AddHours(h):yyyy-MM-ddTHH:mm:ssZ},{host.Counts[h]},{tail:R}\n");
            }
        }
        File.WriteAllText(Path.Combine(dir, "oracle.csv"), oracle.ToString());
        return world.Spikes.Count;
    }
}
