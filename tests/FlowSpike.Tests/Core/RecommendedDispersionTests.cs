using FlowSpike.Models;
using FlowSpike.Synth;
using FsCheck;
using FsCheck.Fluent;

namespace FlowSpike.Tests.Core;

/// <summary>
/// The recommended model's dispersion is itself an estimate: its standard error, and the count's tail averaged over
/// it.
/// </summary>
public class RecommendedDispersionTests
{
    private static readonly RecommendedModel Model = new(new RecommendedSettings());

    // Monday 2026-10-05 00:00 UTC.
    private const long T0 = 1_791_158_400;

    /// <summary>
    /// P(X ≥ k), X negative binomial of mean m and dispersion a (a = 0: Poisson), summed directly: the pmf built by
    /// its recurrence from pmf(0), the terms from k on added smallest first.
    /// </summary>
    private static double DirectUpper(long k, double m, double a)
    {
        const int Span = 40_000;
        var pmf = new double[k + Span];
        double r = a > 0 ? 1 / a : 0, p = a > 0 ? m / (r + m) : 0;
        pmf[0] = a > 0 ? Math.Pow(1 - p, r) : Math.Exp(-m);
        for (int x = 0; x + 1 < pmf.Length; x++)
            pmf[x + 1] = pmf[x] * (a > 0 ? (x + r) / (x + 1) * p : m / (x + 1));
        double sum = 0;
        for (long x = pmf.Length - 1; x >= k; x--)
            sum += pmf[x];
        return sum;
    }

    /// <summary>
    /// The three-point Gauss-Hermite average written out: the dispersion at α − √3 sd, α, α + √3 sd
    /// (clamped to [0, 10]) with weights 1/6, 2/3, 1/6, each widened by v as (1 + α)(1 + v) − 1 (at most 10).
    /// </summary>
    private static double DirectAveraged(long k, double m, double alpha, double sd, double v)
    {
        double Widened(double a) => Math.Min((1 + Math.Clamp(a, 0, 10)) * (1 + v) - 1, 10);
        double step = Math.Sqrt(3) * sd;
        return DirectUpper(k, m, Widened(alpha - step)) / 6 + 2.0 / 3 * DirectUpper(k, m, Widened(alpha))
            + DirectUpper(k, m, Widened(alpha + step)) / 6;
    }

    [Fact]
    public void The_tail_averaged_over_the_dispersion_matches_direct_summation()
    {
        // The first draw packs the count (0 to 119) and the mean (0.1 to 30); the second α (0 to 2) and its
        // standard error (0 to 0.5); the third v (0 to 0.5).
        var counts = Gen.Choose(0, 120 * 300 - 1).ToArbitrary();
        var alphas = Gen.Choose(0, 201 * 51 - 1).ToArbitrary();
        var relVars = Gen.Choose(0, 50).ToArbitrary();
        Prop.ForAll(counts, alphas, relVars, (packedCount, packedAlpha, hundredths) =>
        {
            long k = packedCount % 120;
            double m = (packedCount / 120 + 1) / 10.0;
            double alpha = packedAlpha % 201 / 100.0, sd = packedAlpha / 201 / 100.0, v = hundredths / 100.0;
            double direct = DirectAveraged(k, m, alpha, sd, v);
            double tail = RecommendedModel.UncertainDispersionTail(k, m, alpha, sd, v);
            return Math.Abs(tail - direct) <= 1e-8 * direct + 1e-13;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void With_a_known_dispersion_the_tail_is_the_plain_predictive()
    {
        // sd = 0: the negative binomial at (1 + α)(1 + v) − 1 alone. NB(2, α = 1) is geometric: (2/3)^k.
        Assert.Equal(Math.Pow(2.0 / 3, 7), RecommendedModel.UncertainDispersionTail(7, 2, 1, 0, 0), 1e-13);
        Assert.Equal(DirectUpper(9, 3, 1.2 * 1.1 - 1), RecommendedModel.UncertainDispersionTail(9, 3, 0.2, 0, 0.1),
            1e-12);
    }

    [Fact]
    public void The_dispersion_standard_error_is_that_of_the_running_mean_of_squared_residuals()
    {
        // E r² = 4, E r⁴ = 40: their variance is 24. A running mean of weight 168 has the variance of a mean of
        // 2 · 168 − 1 = 335 windows; over E e² = 4: √(24 / 335) / 4. A host with 9 windows (weight 10) has 19.
        var s = new HostState { Residual = 4, ResidualSq = 40, ExpMean = 2, ExpSquare = 4 };
        Assert.Equal(Math.Sqrt(24.0 / 335) / 4, Model.DispersionSd(s, 1000), 12);
        Assert.Equal(Math.Sqrt(24.0 / 19) / 4, Model.DispersionSd(s, 9), 12);
        Assert.Equal(0, Model.DispersionSd(new HostState(), 1000));
    }

    [Fact]
    public void The_standard_error_matches_the_spread_of_the_dispersion_across_hosts()
    {
        // 300 hosts drawn from the same negative binomial (mean 5, α = 0.3) for four weeks: the dispersion each one
        // fits spreads across hosts by about the standard error each one states (within a factor of 1.5 either way).
        var estimates = new List<double>();
        var stated = new List<double>();
        for (int i = 0; i < 300; i++)
        {
            var host = new ZooScenario.Host
            {
                Ip = "10.0.0.1",
                Account = "111111111111",
                Behaviour = "overdispersed",
                Level = _ => 5,
                Alpha = 0.3,
            };
            int[] counts = ZooScenario.DrawCounts(host, 1000 + i, 28 * 24);
            BaselineRow? row = null;
            for (int h = 0; h < counts.Length; h++)
                row = Model.Step(row, 1, counts[h] > 0 ? counts[h] : null, T0 + h * 3600L).Updated;
            var s = HostState.Read(row!.Value.ModelState);
            estimates.Add(RecommendedModel.Dispersion(s));
            stated.Add(Model.DispersionSd(s, counts.Length));
        }
        double mean = estimates.Average();
        double spread = Math.Sqrt(estimates.Sum(a => (a - mean) * (a - mean)) / (estimates.Count - 1));
        double typical = stated.Average();
        Assert.InRange(mean, 0.2, 0.4);
        Assert.InRange(spread / typical, 1 / 1.5, 1.5);
    }

    [Theory]
    [InlineData(17.28, true)] // normal residuals: E r⁴ = 3 (E r²)², sd of α about 0.046
    [InlineData(200, false)] // heavy-tailed residuals, the same α: sd about 0.19
    public void Heavy_tailed_residuals_widen_the_tail_of_a_large_count(double residualSq, bool spike)
    {
        // A steady host at 2 an hour with α = (2.4 − 2) / 4 = 0.1, no profile (tested against its mean), recent
        // counts at their expectation (level ratio 1, v = 1 / (24 · 2 + 2) = 0.02). 13 blocked records: under normal
        // residuals the tail is about 2.0e-5, a spike; with residuals whose fourth moment is large the dispersion is
        // known far less well and the tail is about 1.3e-4, no spike at 1e-4.
        var s = new HostState
        {
            Active = 1,
            PosMean = 2,
            PosSquare = 6,
            PosN = 168,
            Residual = 2.4,
            ResidualW = 2.4,
            ResidualSq = residualSq,
            ExpMean = 2,
            ExpSquare = 4,
            RecentCount = 2,
            RecentExpected = 2,
            HasScalars = true,
        };
        var step = Model.Step(new BaselineRow(1, 2, 1000, 2.0, 1.5, s.Write()), 1, 13, T0);
        double sd = Math.Sqrt((residualSq - 2.4 * 2.4) / 335) / 4;
        double expected = DirectAveraged(13, 2, 0.1, sd, 0.02);
        Assert.Equal(spike, step.Spike);
        var evidence = Model.Score(s, 2.0, 1000, 13, T0);
        Assert.Equal(expected, evidence.TailProbability, expected * 1e-8);
        Assert.Equal(spike, expected < 1e-4);
    }
}
