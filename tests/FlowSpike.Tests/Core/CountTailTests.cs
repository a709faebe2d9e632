using FlowSpike.Models;
using FsCheck;
using FsCheck.Fluent;

namespace FlowSpike.Tests.Core;

/// <summary>The tail computations against direct summation of probabilities built by their recurrences.</summary>
public class CountTailTests
{
    /// <summary>P(X ≥ k) by summing pmf terms from x = 0 (pmf by its recurrence), in plain doubles.</summary>
    private static double DirectUpper(long k, Func<long, double, double> next, double first)
    {
        // 1 − P(X < k) loses digits far in the tail, so the terms above k are summed directly there.
        double pmf = first, below = 0, above = 0;
        for (long x = 0; x < k + 20_000; x++)
        {
            if (x < k)
                below += pmf;
            else
                above += pmf;
            pmf = next(x, pmf);
        }
        return below < 0.5 ? 1 - below : above;
    }

    [Fact]
    public void Poisson_tail_matches_direct_summation()
    {
        Prop.ForAll(Gen.Choose(0, 400).ToArbitrary(), Gen.Choose(1, 3000).ToArbitrary(), (k, tenths) =>
        {
            double lambda = tenths / 10.0;
            double direct = DirectUpper(k, (x, p) => p * lambda / (x + 1), Math.Exp(-lambda));
            double tail = CountTails.PoissonUpper(k, lambda);
            return Math.Abs(tail - direct) <= 1e-9 * Math.Max(direct, 1e-300) + 1e-13;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Negative_binomial_tail_matches_direct_summation()
    {
        Prop.ForAll(Gen.Choose(0, 300).ToArbitrary(), Gen.Choose(1, 1000).ToArbitrary(),
            Gen.Choose(1, 300).ToArbitrary(), (k, tenths, hundredths) =>
        {
            double mean = tenths / 10.0, alpha = hundredths / 100.0, r = 1 / alpha, p = mean / (r + mean);
            // pmf(0) = (r / (r + m))^r, pmf(x + 1) = pmf(x) · (x + r) / (x + 1) · m / (r + m).
            double direct = DirectUpper(k, (x, f) => f * (x + r) / (x + 1) * p, Math.Pow(1 - p, r));
            double tail = CountTails.NegBinomialUpper(k, mean, alpha);
            return Math.Abs(tail - direct) <= 1e-8 * Math.Max(direct, 1e-300) + 1e-12;
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>1 − P(X &lt; k), every term from k − 1 down to 0 summed (as before the sum stopped early).</summary>
    private static double FullLowerComplement(long k, double mean, double alpha)
    {
        double r = 1 / alpha, logP = Math.Log(mean / (r + mean)), logQ = Math.Log(r / (r + mean));
        double logTerm = CountTails.LogGamma(k - 1 + r) - CountTails.LogGamma(r) - CountTails.LogFactorial(k - 1)
            + r * logQ + (k - 1) * logP;
        double lower = 0;
        for (long i = k - 1; i >= 0; i--)
        {
            lower += Math.Exp(logTerm);
            if (i > 0)
                logTerm += Math.Log(i) - Math.Log(i - 1 + r) - logP;
        }
        return Math.Clamp(1 - lower, 0, 1);
    }

    [Theory]
    [InlineData(1_000_000, 0.0001)]
    [InlineData(1_000_000, 0.01)]
    [InlineData(50_000, 0.001)]
    [InlineData(2_000, 0.5)]
    [InlineData(300, 3)]
    public void Negative_binomial_tail_below_the_mean_matches_the_full_sum(double mean, double alpha)
    {
        // From the bottom of the distribution to the mean, where the sum runs down from k − 1 and stops early.
        foreach (double at in new[] { 0.01, 0.5, 0.9, 0.99, 1.0 })
        {
            long k = Math.Max(1, (long)(mean * at));
            double expected = FullLowerComplement(k, mean, alpha);
            Assert.Equal(expected, CountTails.NegBinomialUpper(k, mean, alpha), 1e-12);
        }
    }

    [Fact]
    public void Negative_binomial_with_alpha_one_is_geometric()
    {
        // r = 1: P(X ≥ k) = (m / (1 + m))^k.
        for (int k = 0; k < 60; k += 7)
            Assert.Equal(Math.Pow(2.0 / 3, k), CountTails.NegBinomialUpper(k, 2, 1), 1e-13);
    }

    [Fact]
    public void Log_gamma_matches_factorials_and_its_recurrence()
    {
        double logFactorial = 0;
        for (int n = 1; n < 170; n++)
        {
            // ln Γ(n) = ln (n − 1)!
            Assert.Equal(logFactorial, CountTails.LogGamma(n), 1e-9 * Math.Max(1, logFactorial));
            logFactorial += Math.Log(n);
        }
        Prop.ForAll(Gen.Choose(1, 100_000).ToArbitrary(), milli =>
        {
            double x = milli / 1000.0;
            return Math.Abs(CountTails.LogGamma(x + 1) - CountTails.LogGamma(x) - Math.Log(x)) < 1e-10 * Math.Max(1,
                Math.Abs(CountTails.LogGamma(x + 1)));
        }).QuickCheckThrowOnFailure();
        Assert.Equal(0.5 * Math.Log(Math.PI), CountTails.LogGamma(0.5), 12);
    }

    [Fact]
    public void Negative_binomial_log_pmf_sums_to_one()
    {
        foreach (var (mean, alpha) in new[] { (0.3, 0.0), (5.0, 0.2), (40.0, 1.5) })
        {
            double total = 0;
            for (long x = 0; x < 5000; x++)
                total += Math.Exp(CountTails.NegBinomialLogPmf(x, mean, alpha));
            Assert.Equal(1, total, 10);
        }
    }

    /// <summary>∫ from z to z + 40 of the standard normal density, by Simpson's rule on 40,000 steps.</summary>
    private static double DirectNormalUpper(double z)
    {
        const int Steps = 40_000;
        double h = 40.0 / Steps, sum = 0;
        for (int i = 0; i <= Steps; i++)
        {
            double x = z + i * h, f = Math.Exp(-x * x / 2) / Math.Sqrt(2 * Math.PI);
            sum += f * (i == 0 || i == Steps ? 1 : i % 2 == 1 ? 4 : 2);
        }
        return sum * h / 3;
    }

    [Fact]
    public void Normal_tail_matches_direct_integration()
    {
        Prop.ForAll(Gen.Choose(-600, 800).ToArbitrary(), hundredths =>
        {
            double z = hundredths / 100.0;
            return Math.Abs(CountTails.NormalUpper(z) - DirectNormalUpper(z)) <= 2e-7;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Burst_tail_is_the_predictive_of_the_bursts_seen_cut_beyond_twice_the_largest_of_few()
    {
        // The bursts' log ratio, written out from its definition (docs/models.md): n bursts of mean L, mean square S
        // and largest M; location L; spread² the bursts' own pooled with a floor of 0.5² weighed as 4 bursts, never
        // below 0.5²; scale² that times 1 + 1 / n; a Student-t with n + 4 degrees of freedom, its density integrated
        // directly. Below three bursts it is cut at M + ln 2 (twice the largest burst): P(≥ r) = (U(r) − U(c)) /
        // (1 − U(c)) below the cut c, 0 beyond.
        // The third draw packs the bursts' spread (0 to 0.80) and the tested log ratio (0 to 5.00).
        var bursts = Gen.Choose(1, 50).ToArbitrary();
        var logs = Gen.Choose(70, 300).ToArbitrary();
        var packs = Gen.Choose(0, 81 * 501 - 1).ToArbitrary();
        Prop.ForAll(bursts, logs, packs, (n, logHundredths, packed) =>
        {
            double mean = logHundredths / 100.0, spread = packed % 81 / 100.0, ratio = packed / 81 / 100.0;
            double largest = mean + spread;
            var s = new HostState
            {
                BurstN = n,
                BurstLog = mean,
                BurstSquare = mean * mean + spread * spread,
                BurstMax = largest,
            };
            double spread2 = Math.Max((4 * 0.25 + n * spread * spread) / (4 + n), 0.25);
            double scale = Math.Sqrt(spread2 * (1 + 1.0 / n));
            double U(double r) => DirectStudentUpper((r - mean) / scale, n + 4);
            double cut = largest + Math.Log(2);
            double direct = n >= 3 ? U(ratio) : ratio >= cut ? 0 : (U(ratio) - U(cut)) / (1 - U(cut));
            return Math.Abs(BurstComponent.TailOf(s, ratio) - direct) <= 1e-6 * Math.Max(direct, 1e-3);
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>
    /// P(T ≥ t) for Student-t with ν degrees of freedom by direct integration of its density, Simpson's rule: on
    /// [t, X] in x, and beyond X = max(t, 0) + 50 on z = ln x, where the integrand f(e^z)·e^z falls off as e^(−νz).
    /// </summary>
    private static double DirectStudentUpper(double t, double nu)
    {
        double logC = CountTails.LogGamma((nu + 1) / 2) - CountTails.LogGamma(nu / 2) - 0.5 * Math.Log(nu * Math.PI);
        double F(double x) => Math.Exp(logC - (nu + 1) / 2 * Math.Log(1 + x * x / nu));
        static double Simpson(Func<double, double> g, double from, double to, int steps)
        {
            double h = (to - from) / steps, sum = 0;
            for (int i = 0; i <= steps; i++)
                sum += g(from + i * h) * (i == 0 || i == steps ? 1 : i % 2 == 1 ? 4 : 2);
            return sum * h / 3;
        }
        double x0 = Math.Max(t, 0) + 50, z0 = Math.Log(x0);
        return Simpson(F, t, x0, 200_000) + Simpson(z => F(Math.Exp(z)) * Math.Exp(z), z0, z0 + 45 / nu, 100_000);
    }

    [Fact]
    public void Student_t_tail_matches_direct_integration()
    {
        // ν from 1 to 60 (the burst predictive has 1 + n, n ≥ 1).
        Prop.ForAll(Gen.Choose(-500, 1500).ToArbitrary(), Gen.Choose(10, 600).ToArbitrary(), (hundredths, tenths) =>
        {
            double t = hundredths / 100.0, nu = tenths / 10.0;
            double direct = DirectStudentUpper(t, nu);
            return Math.Abs(CountTails.StudentTUpper(t, nu) - direct) <= 1e-8 + 1e-7 * direct;
        }).QuickCheckThrowOnFailure();
    }
}
