namespace FlowSpike.Models;

/// <summary>
/// Upper tails of the count distributions the models test against, computed in log space: Poisson, negative binomial
/// (mean and dispersion α, variance m + α·m²) and the log-gamma function they need.
/// </summary>
internal static class CountTails
{
    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7; relative error about 1e-15).</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5)
            return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        x -= 1;
        double a = Lanczos[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++)
            a += Lanczos[i] / (x + i);
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }

    /// <summary>P(X ≥ k) for X ~ Poisson(λ).</summary>
    public static double PoissonUpper(long k, double lambda)
    {
        if (k <= 0)
            return 1;
        if (lambda <= 0)
            return 0;
        double logLambda = Math.Log(lambda);
        if (k <= lambda)
        {
            // The body: one minus the lower sum, k terms downward from k - 1.
            double lower = 0, logTerm = -lambda + (k - 1) * logLambda - LogFactorial(k - 1);
            // A term that adds nothing lies below the mode, where the terms fall ever faster: the rest add nothing
            // (a host near a million an hour would otherwise sum a million terms per test).
            for (long i = k - 1; i >= 0; i--)
            {
                double v = Math.Exp(logTerm);
                lower += v;
                if (v <= lower * 1e-17)
                    break;
                logTerm += Math.Log(i) - logLambda;
            }
            return Math.Clamp(1 - lower, 0, 1);
        }
        double term = -lambda + k * logLambda - LogFactorial(k), sum = 0;
        for (long i = k; i < k + 1_000_000; i++)
        {
            double v = Math.Exp(term);
            sum += v;
            if (v <= sum * 1e-17)
                break;
            term += logLambda - Math.Log(i + 1);
        }
        return Math.Min(1, sum);
    }

    /// <summary>
    /// P(X ≥ k) for X negative binomial with mean <paramref name="mean"/> and dispersion <paramref name="alpha"/>
    /// (variance mean + α·mean²; α = 0 is Poisson).
    /// </summary>
    public static double NegBinomialUpper(long k, double mean, double alpha)
    {
        if (k <= 0)
            return 1;
        if (mean <= 0)
            return 0;
        if (alpha < 1e-9)
            return PoissonUpper(k, mean);
        double r = 1 / alpha;
        double logP = Math.Log(mean / (r + mean)), logQ = Math.Log(r / (r + mean));
        double LogPmf(long x) => LogGamma(x + r) - LogGamma(r) - LogFactorial(x) + r * logQ + x * logP;
        double modeish = mean;
        if (k <= modeish)
        {
            double lower = 0;
            double logTerm = LogPmf(k - 1);
            // A term that adds nothing lies below the mode, where the terms fall ever faster: the rest add nothing
            // (a host near a million an hour would otherwise sum a million terms per test).
            for (long i = k - 1; i >= 0; i--)
            {
                double v = Math.Exp(logTerm);
                lower += v;
                if (v <= lower * 1e-17)
                    break;
                // pmf(i - 1) = pmf(i) · i / ((i - 1 + r) · p)
                if (i > 0)
                    logTerm += Math.Log(i) - Math.Log(i - 1 + r) - logP;
            }
            return Math.Clamp(1 - lower, 0, 1);
        }
        double term = LogPmf(k), sum = 0;
        for (long i = k; i < k + 10_000_000; i++)
        {
            double v = Math.Exp(term);
            sum += v;
            if (v <= sum * 1e-17)
                break;
            term += Math.Log(i + r) - Math.Log(i + 1) + logP;
        }
        return Math.Min(1, sum);
    }

    /// <summary>ln P(X = x) for X negative binomial with mean m and dispersion α (α = 0: Poisson).</summary>
    public static double NegBinomialLogPmf(long x, double mean, double alpha)
    {
        if (mean <= 0)
            return x == 0 ? 0 : double.NegativeInfinity;
        if (alpha < 1e-9)
            return -mean + x * Math.Log(mean) - LogFactorial(x);
        double r = 1 / alpha;
        return LogGamma(x + r) - LogGamma(r) - LogFactorial(x) + r * Math.Log(r / (r + mean))
            + x * Math.Log(mean / (r + mean));
    }

    private static readonly double[] SmallLogFactorials = BuildTable();

    private static double[] BuildTable()
    {
        var t = new double[257];
        for (int i = 1; i < t.Length; i++)
            t[i] = t[i - 1] + Math.Log(i);
        return t;
    }

    /// <summary>ln(n!), exact from a table up to 256, Stirling's series beyond (error below 1e-12 there).</summary>
    public static double LogFactorial(long n)
    {
        if (n < SmallLogFactorials.Length)
            return SmallLogFactorials[n];
        double x = n + 1.0;
        return (x - 0.5) * Math.Log(x) - x + 0.5 * Math.Log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x);
    }

    /// <summary>P(Z ≥ z) for a standard normal Z (Abramowitz and Stegun 7.1.26 on erfc; absolute error below
    /// 1.5e-7).</summary>
    public static double NormalUpper(double z)
    {
        if (z < 0)
            return 1 - NormalUpper(-z);
        double x = z / Math.Sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        return 0.5 * poly * Math.Exp(-x * x);
    }

    /// <summary>
    /// P(T ≥ t) for T Student-t with ν degrees of freedom: ½ I_x(ν/2, ½) at x = ν / (ν + t²) for t ≥ 0.
    /// </summary>
    public static double StudentTUpper(double t, double nu)
    {
        if (double.IsPositiveInfinity(nu))
            return NormalUpper(t);
        if (t < 0)
            return 1 - StudentTUpper(-t, nu);
        return 0.5 * RegularizedBeta(nu / (nu + t * t), nu / 2, 0.5);
    }

    /// <summary>
    /// The regularized incomplete beta function I_x(a, b), from its continued fraction (evaluated by the modified Lentz
    /// method), on the side of x where it converges fast (I_x(a, b) = 1 − I_{1−x}(b, a) otherwise).
    /// </summary>
    public static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0)
            return 0;
        if (x >= 1)
            return 1;
        if (x > (a + 1) / (a + b + 2))
            return 1 - RegularizedBeta(1 - x, b, a);
        double logFront = LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x);
        const double Tiny = 1e-300;
        // The fraction 1 / (1 + d1 / (1 + d2 / (1 + ...))) with d_2m = m (b − m) x / ((a + 2m − 1)(a + 2m)) and
        // d_2m+1 = −(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
        double f = d;
        for (int m = 1; m < 10_000; m++)
        {
            double even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 + even * d;
            c = 1 + even / c;
            d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            f *= d * c;
            double odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            d = 1 + odd * d;
            c = 1 + odd / c;
            d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            double step = d * c;
            f *= step;
            if (Math.Abs(step - 1) < 1e-15)
                break;
        }
        return Math.Exp(logFront) * f / a;
    }
}
