using FlowSpike.Baseline;
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
        Prop.ForAll(Gen.Choose(0, 300).ToArbitrary(), Gen.Choose(1, 1000).ToArbitrary(), Gen.Choose(1, 300).ToArbitrary(), (k, tenths, hundredths) =>
        {
            double mean = tenths / 10.0, alpha = hundredths / 100.0, r = 1 / alpha, p = mean / (r + mean);
            // pmf(0) = (r / (r + m))^r, pmf(x + 1) = pmf(x) · (x + r) / (x + 1) · m / (r + m).
            double direct = DirectUpper(k, (x, f) => f * (x + r) / (x + 1) * p, Math.Pow(1 - p, r));
            double tail = CountTails.NegBinomialUpper(k, mean, alpha);
            return Math.Abs(tail - direct) <= 1e-8 * Math.Max(direct, 1e-300) + 1e-12;
        }).QuickCheckThrowOnFailure();
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
            return Math.Abs(CountTails.LogGamma(x + 1) - CountTails.LogGamma(x) - Math.Log(x)) < 1e-10 * Math.Max(1, Math.Abs(CountTails.LogGamma(x + 1)));
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
}
