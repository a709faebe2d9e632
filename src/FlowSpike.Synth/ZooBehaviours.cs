namespace FlowSpike.Synth;

/// <summary>The zoo's host behaviours: each one's true hourly level, dispersion, activity and bursts.</summary>
internal static class ZooBehaviours
{
    /// <summary>
    /// A new host of <paramref name="behaviour"/>; <paramref name="u"/> in [0, 1) places its level in the behaviour's
    /// range (log-uniform), <paramref name="rng"/> draws the rest of its shape.
    /// </summary>
    public static ZooScenario.Host NewHost(
        string behaviour, string ip, string account, double u, Random rng, int hours, int detectFrom)
    {
        double LogUniform(double lo, double hi) => lo * Math.Pow(hi / lo, u);
        ZooScenario.Host Steady(Func<int, double> level) =>
            new() { Ip = ip, Account = account, Behaviour = behaviour, Level = level };
        switch (behaviour)
        {
            case "poisson":
                {
                    double rate = LogUniform(0.2, 200);
                    return Steady(_ => rate);
                }
            case "overdispersed":
                {
                    double mean = LogUniform(1, 100), ratio = 2 + 4 * rng.NextDouble();
                    return new ZooScenario.Host
                    {
                        Ip = ip,
                        Account = account,
                        Behaviour = behaviour,
                        Level = _ => mean,
                        Alpha = (ratio - 1) / mean,
                    };
                }
            case "intermittent":
                {
                    double level = LogUniform(3, 60), share = 0.1 + 0.3 * rng.NextDouble();
                    double run = 3 + 5 * rng.NextDouble();
                    return new ZooScenario.Host
                    {
                        Ip = ip,
                        Account = account,
                        Behaviour = behaviour,
                        Level = _ => level,
                        ActiveShare = share,
                        MeanRun = run,
                    };
                }
            case "daily-cycle":
                {
                    double baseRate = LogUniform(1, 60), amplitude = 0.5 + 0.45 * rng.NextDouble();
                    double peak = 24 * rng.NextDouble();
                    return Steady(h => baseRate * (1 + amplitude * Math.Cos(2 * Math.PI * (h % 24 - peak) / 24)));
                }
            case "weekly-cycle":
                {
                    double weekday = LogUniform(2, 80), weekend = weekday * (0.1 + 0.2 * rng.NextDouble());
                    return Steady(h => h / 24 % 7 >= 5 ? weekend : weekday);
                }
            case "office-hours":
                {
                    int[] zones = [-8, -5, 0, 1, 5, 9];
                    int zone = zones[rng.Next(zones.Length)];
                    double busy = LogUniform(5, 80), quiet = 0.2 + 1.3 * rng.NextDouble();
                    return Steady(h =>
                    {
                        int local = h + zone;
                        int day = ((local / 24 % 7) + 7) % 7, hour = ((local % 24) + 24) % 24;
                        return day < 5 && hour is >= 9 and < 18 ? busy : quiet;
                    });
                }
            case "trend-shift":
                {
                    double level = LogUniform(2, 80);
                    if (rng.Next(2) == 0)
                    {
                        double growth = 0.5 + rng.NextDouble();
                        return Steady(h => level * (1 + growth * h / hours));
                    }
                    double factor = rng.Next(2) == 0 ? 1.5 + 0.5 * rng.NextDouble() : 0.4 + 0.2 * rng.NextDouble();
                    int at = rng.Next(detectFrom - 72, hours - 48);
                    return Steady(h => h < at ? level : level * factor);
                }
            case "periodic-job":
                {
                    int[] periods = [6, 12, 24];
                    int period = periods[rng.Next(3)], phase = rng.Next(period), length = 1 + rng.Next(2);
                    double job = LogUniform(10, 100), off = rng.Next(2) == 0 ? 0.05 : 0.5;
                    return Steady(h => (h - phase + period) % period < length ? job : off);
                }
            case "bursty":
                {
                    double rate = LogUniform(1, 60);
                    return new ZooScenario.Host
                    {
                        Ip = ip,
                        Account = account,
                        Behaviour = behaviour,
                        Level = _ => rate,
                        BurstShare = 0.02 + 0.02 * rng.NextDouble(),
                    };
                }
            case "new-quiet":
                {
                    double rate = LogUniform(0.2, 4);
                    return new ZooScenario.Host
                    {
                        Ip = ip,
                        Account = account,
                        Behaviour = behaviour,
                        Level = _ => rate,
                        FirstHour = detectFrom + rng.Next(48),
                    };
                }
            default:
                {
                    double rate = LogUniform(15, 80);
                    return new ZooScenario.Host
                    {
                        Ip = ip,
                        Account = account,
                        Behaviour = behaviour,
                        Level = _ => rate,
                        FirstHour = detectFrom + rng.Next(48),
                    };
                }
        }
    }
}
