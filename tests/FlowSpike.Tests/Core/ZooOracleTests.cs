using FlowSpike.Synth;
using FsCheck;
using FsCheck.Fluent;

namespace FlowSpike.Tests.Core;

/// <summary>
/// The zoo's oracle against the generator's own distribution: its tail against direct summation of the bursty
/// mixture, and its exceedance rates against counts the generator draws.
/// </summary>
public class ZooOracleTests
{
    private static ZooScenario.Host Host(
        string behaviour, double level, double alpha = 0, double share = 1, double run = 1, double bursts = 0) =>
        new()
        {
            Ip = "10.0.0.1",
            Account = "111111111111",
            Behaviour = behaviour,
            Level = _ => level,
            Alpha = alpha,
            ActiveShare = share,
            MeanRun = run,
            BurstShare = bursts,
        };

    private static double LogFactorial(int n)
    {
        double sum = 0;
        for (int i = 2; i <= n; i++)
            sum += Math.Log(i);
        return sum;
    }

    /// <summary>P(X ≥ c) for Poisson(λ), its pmf summed term by term from c up until the terms vanish.</summary>
    private static double DirectPoissonUpper(int c, double lambda, double logFactorialC)
    {
        if (c == 0)
            return 1;
        double logPmf = -lambda + c * Math.Log(lambda) - logFactorialC, sum = 0;
        for (long x = c; ; x++)
        {
            double p = Math.Exp(logPmf);
            sum += p;
            if (x > lambda && p <= 1e-18 * sum)
                break;
            logPmf += Math.Log(lambda / (x + 1));
        }
        return Math.Min(sum, 1);
    }

    /// <summary>
    /// P(X ≥ c) in a bursty host's hour, by direct summation: (1 − q) · Poisson(r) tail + q · the burst tail, the
    /// burst multiplier 3·e^(z/2) with z standard normal taken on 8,000 Simpson steps over [−10, 10], and at every
    /// node the Poisson pmf of its mean summed from c up.
    /// </summary>
    private static double DirectBurstyUpper(int c, double level, double q)
    {
        const int Steps = 8000;
        double h = 20.0 / Steps, burst = 0, logFactorialC = LogFactorial(c);
        for (int i = 0; i <= Steps; i++)
        {
            double z = -10 + i * h;
            double weight = (i == 0 || i == Steps ? 1 : i % 2 == 1 ? 4 : 2) * h / 3
                * Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI);
            burst += weight * DirectPoissonUpper(c, level * 3 * Math.Exp(0.5 * z), logFactorialC);
        }
        return (1 - q) * DirectPoissonUpper(c, level, logFactorialC) + q * burst;
    }

    [Fact]
    public void The_bursty_oracle_tail_is_the_direct_sum_of_the_generators_mixture()
    {
        // Levels 0.5 to 60 (the zoo's bursty hosts: 1 to 60), burst shares 2% to 4%, counts 0 to 700.
        var levels = Gen.Choose(5, 600).ToArbitrary();
        var shares = Gen.Choose(20, 40).ToArbitrary();
        var counts = Gen.Choose(0, 700).ToArbitrary();
        Prop.ForAll(levels, shares, counts, (tenths, thousandths, c) =>
        {
            double level = tenths / 10.0, q = thousandths / 1000.0;
            double oracle = ZooScenario.OracleTail(Host("bursty", level, bursts: q), 0, c);
            double direct = DirectBurstyUpper(c, level, q);
            return (Math.Abs(oracle - direct) <= 1e-6 * direct + 1e-15)
                .Label($"level {level}, q {q}, count {c}: oracle {oracle:R}, direct {direct:R}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
    }

    public static TheoryData<string, double, double, double, double, double> Behaviours => new()
    {
        // behaviour, level, α, active share, mean run, burst share
        { "bursty", 8, 0, 1, 1, 0.03 },
        { "bursty", 40, 0, 1, 1, 0.02 },
        { "poisson", 100, 0, 1, 1, 0 },
        { "overdispersed", 20, 0.2, 1, 1, 0 },
        { "intermittent", 12, 0, 0.25, 5, 0 },
    };

    [Theory]
    [MemberData(nameof(Behaviours))]
    public void On_the_generators_counts_the_oracle_exceeds_p_at_rate_p(
        string behaviour, double level, double alpha, double share, double run, double bursts)
    {
        const int Hours = 300_000;
        var host = Host(behaviour, level, alpha, share, run, bursts);
        var counts = ZooScenario.DrawCounts(host, 4242, Hours);
        var histogram = counts.GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        foreach (double p in new[] { 1e-2, 1e-3 })
        {
            // c_p, the smallest count the oracle scores below p: P(oracle tail < p) = P(X ≥ c_p) = T(c_p) ≤ p.
            int cp = 0;
            while (ZooScenario.OracleTail(host, 0, cp) >= p)
                cp++;
            double expected = ZooScenario.OracleTail(host, 0, cp);
            int exceeding = histogram.Where(kv => ZooScenario.OracleTail(host, 0, kv.Key) < p).Sum(kv => kv.Value);
            int atOrAbove = histogram.Where(kv => kv.Key >= cp).Sum(kv => kv.Value);
            Assert.Equal(atOrAbove, exceeding);
            double sd = Math.Sqrt(expected * (1 - expected) / Hours);
            Assert.True(Math.Abs(exceeding / (double)Hours - expected) <= 4.5 * sd,
                $"{behaviour} at p = {p}: {exceeding} of {Hours} hours at or above {cp}, the oracle says "
                + $"{expected * Hours:F1}");
            Assert.True(expected <= p && expected > p / 20, $"{behaviour}: T({cp}) = {expected} against p = {p}");
        }
    }
}
