namespace FlowSpike.Models;

/// <summary>
/// The recommended model (`--model recommended`): a count model per host, calibrated so that a tail probability of
/// P means about P false alerts per host-hour whatever the host's behaviour (docs/models.md has the table).
/// <list type="bullet">
/// <item>Expectation for this hour: the host's mean for this hour of day on weekdays or at weekends, shrunk towards its
/// overall mean by empirical Bayes (<see cref="SeasonalProfile.Pooled"/>), times a level ratio: a day of windows, or
/// the last few when they are significantly higher (trends and level shifts).</item>
/// <item>Dispersion: a negative binomial whose α is fitted by moments to the host's own out-of-sample residuals (the
/// expectation's estimation variance taken out), widened again by that variance for the test: the predictive.</item>
/// <item>Activity apart from level: a host active in fewer than 70% of its windows is also tested as a hurdle,
/// P(active) · P(count | active), the active counts a shifted negative binomial fitted by moments.</item>
/// <item>Normal bursts (<see cref="BurstComponent"/>): isolated windows at least twice the level and far in the count
/// model's tail are a burst component with its own share and a predictive of their log size from the bursts seen; the
/// tail is (1 − q) · count tail + q · burst tail.</item>
/// <item>New hosts: until a day of windows is seen, the count is tested against a population prior of new hosts (a
/// negative binomial with mean <see cref="RecommendedSettings.NewHostRate"/> and α = 0.5) blended with what the host
/// has shown so far, so a host that appears already beaconing is flagged in its first window.</item>
/// </list>
/// The count is tested before it enters the state; a spike enters it clipped to the expectation + 3 deviations.
/// </summary>
internal sealed class RecommendedModel(RecommendedSettings settings) : ISpikeModel
{
    public const string ModelName = "recommended";

    /// <summary>Below this share of active windows a host is also tested as intermittent.</summary>
    public const double IntermittentBelow = 0.7;

    /// <summary>
    /// Dispersion of the new-host prior: the population of new hosts is wide. With α = 0.5 a first hour of 17 is a
    /// spike (P(X ≥ 17) = 19 / 2^18); with the earlier α = 1 it took 23, and new hosts that start beaconing at 16
    /// to 21 an hour went unflagged, while new quiet hosts stay below nominal either way (docs/models.md).
    /// </summary>
    public const double NewHostDispersion = 0.5;

    public string Name => ModelName;

    public bool UpdatesSilentHosts => Settings.ZeroFill;

    public RecommendedSettings Settings { get; } = settings;

    public ModelStep Step(BaselineRow? stored, uint src, long? latestCount, long windowStart)
    {
        bool known = stored is { Avg: not null, Stdev: not null, NumDataPoints: not null };
        if (Settings.PassOver(stored, src, latestCount, known) is { } passed)
            return passed;
        long count = latestCount ?? 0;
        var (state, avg, stdev, points) = stored is { Avg: { } a, Stdev: { } s, NumDataPoints: { } p } row
            ? (Upgrade(HostState.Read(row.ModelState), a, s), a, s, p)
            : (new HostState(), 0.0, 0.0, 0L);
        var evidence = Score(state, avg, points, count, windowStart);
        bool spike = IsSpike(evidence, count);
        var (tested, testedAvg, testedPoints) = (state, avg, points);
        if (!Settings.TestFirst)
        {
            // The ESCU search's order: the count enters first, then the updated state is tested.
            var (after, afterAvg, _) = Update(state, avg, stdev, points, count, windowStart, spike: false, evidence);
            (tested, testedAvg, testedPoints) = (after, afterAvg, points + 1);
            evidence = Score(tested, testedAvg, testedPoints, count, windowStart);
            spike = IsSpike(evidence, count);
        }
        var (updated, newAvg, newStdev) = Update(state, avg, stdev, points, count, windowStart, spike, evidence);
        double threshold = spike
            ? CriticalCount(tested, evidence, testedAvg, testedPoints, windowStart) - 1
            : evidence.ApproximateThreshold;
        var newRow = new BaselineRow(src, latestCount, points + 1, newAvg, newStdev, updated.Write());
        return new ModelStep(newRow, spike, threshold)
        {
            Evidence = spike ? evidence with { Threshold = threshold } : null,
        };
    }

    private bool IsSpike(SpikeEvidence e, long count) =>
        count >= Settings.MinCount && count > e.Expected && e.TailProbability < Settings.TailProbability;

    /// <summary>
    /// A state stored before the count model's scalars existed starts them from the row's mean and deviation.
    /// </summary>
    private static HostState Upgrade(HostState s, double avg, double stdev)
    {
        if (s.HasScalars)
            return s;
        s.Active = avg > 0 ? Math.Min(1, avg) : 0;
        s.PosMean = Math.Max(avg, 1);
        s.PosSquare = s.PosMean * s.PosMean + stdev * stdev;
        s.RecentCount = s.RecentExpected = avg;
        s.HasScalars = true;
        return s;
    }

    /// <summary>
    /// The expectation for this hour before the level ratio: the shrunk hour-of-week profile, or the mean.
    /// </summary>
    public double Seasonal(HostState s, double avg, long windowStart) => Pooled(s, avg, windowStart).Expected;

    private (double Expected, double Variance, double Phi) Pooled(HostState s, double avg, long windowStart) =>
        Settings.Seasonal ? SeasonalProfile.Pooled(s.Profile, windowStart, avg) : (avg, 0, 1);

    /// <summary>
    /// The predictive distribution of this window's count: its expectation (the hour's expectation times the level
    /// ratio) and its dispersion, the host's own α widened by the relative variance v of the expectation itself (the
    /// hour's estimate and the level ratio): a negative binomial whose mean is itself gamma-uncertain,
    /// 1 + α' = (1 + α)(1 + v).
    /// </summary>
    public (double Expected, double Alpha, double RelVar) Predictive(HostState s, double avg, long windowStart)
    {
        var (seasonal, variance, phi) = Pooled(s, avg, windowStart);
        double ratio = LevelRatio(s);
        double expected = Math.Max(seasonal * ratio, Settings.MinRate);
        double floor = Math.Max(seasonal, Settings.MinRate);
        double v = variance / (floor * floor) + phi / (24 * s.RecentCount + 2);
        double alpha = Dispersion(s);
        return (expected, Math.Min((1 + alpha) * (1 + v) - 1, 10), v);
    }

    /// <summary>
    /// The short-memory level ratio: recent counts over recent expectations, with a prior of 2 counts.
    /// </summary>
    private static double LevelRatio(HostState s)
    {
        double day = (24 * s.RecentCount + 2) / (24 * s.RecentExpected + 2);
        // The short ratio takes over only when it is above the day's by more than two of its own standard errors
        // (Poisson noise of the last few windows' counts): its noise does not raise a steady host's expectation.
        double noise = 2 * Math.Sqrt(day / (ShortWindows * s.RecentExpected + 1));
        return Math.Clamp(s.RecentShort > day + noise ? s.RecentShort : day, 0.25, 4);
    }

    /// <summary>
    /// Prior probability that the level changed at the last window, to the level that window showed (its count over
    /// its expectation, <see cref="HostState.LastRatio"/>): the count is also tested against that level.
    /// </summary>
    public const double LevelShiftPrior = 0.01;

    /// <summary>Windows of memory of the short level ratio <see cref="HostState.RecentShort"/>.</summary>
    public const int ShortWindows = 3;

    /// <summary>
    /// The standard error of <see cref="Dispersion"/>: that of the running mean of the squared residuals (their
    /// variance, E r⁴ − (E r²)², over 2w − 1 windows, the effective size of a running mean of weight w), over
    /// E e². Heavy-tailed residuals (a host with bursts the dispersion only half sees) make it large.
    /// </summary>
    public double DispersionSd(HostState s, long points)
    {
        if (s.ExpSquare <= 0)
            return 0;
        double w = Math.Min(Settings.Weight, points + 1);
        return Math.Sqrt(Math.Max(s.ResidualSq - s.Residual * s.Residual, 0) / (2 * w - 1)) / s.ExpSquare;
    }

    /// <summary>
    /// P(X ≥ <paramref name="count"/>) under the negative binomial of mean <paramref name="mean"/> whose dispersion
    /// is itself estimated, α ± <paramref name="sd"/>: the tail averaged over α's sampling distribution by the
    /// three-point Gauss-Hermite rule (α − √3 sd and α + √3 sd with weight 1/6 each, α with 2/3; each
    /// clamped to [0, 10]), each point widened by the expectation's relative variance v,
    /// 1 + α' = (1 + α)(1 + v) (at most 10).
    /// </summary>
    public static double UncertainDispersionTail(long count, double mean, double alpha, double sd, double relVar)
    {
        double Predictive(double a) => Math.Min((1 + Math.Clamp(a, 0, 10)) * (1 + relVar) - 1, 10);
        double centre = CountTails.NegBinomialUpper(count, mean, Predictive(alpha));
        if (sd <= 0)
            return centre;
        double step = Math.Sqrt(3) * sd;
        return (CountTails.NegBinomialUpper(count, mean, Predictive(alpha - step)) + 4 * centre
            + CountTails.NegBinomialUpper(count, mean, Predictive(alpha + step))) / 6;
    }

    /// <summary>
    /// The negative binomial dispersion fitted by moments to the residuals: (E(c − e)² − E e) / E e².
    /// </summary>
    public static double Dispersion(HostState s) =>
        s.ExpSquare <= 0 ? 0 : Math.Clamp((s.Residual - s.ExpMean) / s.ExpSquare, 0, 10);

    public SpikeEvidence Score(HostState s, double avg, long points, long count, long windowStart)
    {
        var (expected, alpha, relVar) = Predictive(s, avg, windowStart);
        if (points < Settings.MinDataPoints)
        {
            // A young host: the population prior of new hosts, weighed as two windows against what it has shown.
            double young = Math.Max((points * avg + 2 * Settings.NewHostRate) / (points + 2), Settings.MinRate);
            double tailY = count > young ? CountTails.NegBinomialUpper(count, young, NewHostDispersion) : 1;
            return new SpikeEvidence(young, NewHostDispersion, tailY, SpikeEvidence.NewHostRule)
            {
                ApproximateThreshold = young + 3.72 * Math.Sqrt(young * (1 + NewHostDispersion * young)),
            };
        }
        double approx = expected + 3.72 * Math.Sqrt(expected * (1 + alpha * expected));
        if (count <= (UsesHurdle(s) ? Math.Min(expected, s.PosMean) : expected))
            return new SpikeEvidence(expected, alpha, 1, SpikeEvidence.CountRule) { ApproximateThreshold = approx };
        string rule = SpikeEvidence.CountRule;
        double tail, shownExpected = expected, shownAlpha = alpha;
        if (UsesHurdle(s))
        {
            double level = Math.Max(s.PosMean - 1, 0.02);
            double alphaActive = ActiveDispersion(s, level);
            tail = Math.Max(s.Active, 1.0 / (points + 1)) * CountTails.NegBinomialUpper(count - 1, level, alphaActive);
            (rule, shownExpected, shownAlpha) = (SpikeEvidence.IntermittentRule, level + 1, alphaActive);
        }
        else
        {
            double a = Dispersion(s), sd = DispersionSd(s, points);
            tail = UncertainDispersionTail(count, expected, a, sd, relVar);
            // The last window's level, when it was above this expectation: with prior LevelShiftPrior the level
            // changed there (the window after a level shift is no spike at the level it shifted to).
            double shifted = Math.Max(Seasonal(s, avg, windowStart) * s.LastRatio, Settings.MinRate);
            if (shifted > expected)
            {
                tail = (1 - LevelShiftPrior) * tail
                    + LevelShiftPrior * UncertainDispersionTail(count, shifted, a, sd, relVar);
            }
        }
        // A spike and the bursts are sized against the hour's own expectation (BurstComponent.Learn).
        double mixed = BurstComponent.Mix(s, tail, count, expected);
        return new SpikeEvidence(shownExpected, shownAlpha, mixed, rule)
        {
            ApproximateThreshold = approx,
            MainTail = tail,
            BurstHistory = BurstComponent.History(s, tail, mixed),
        };
    }

    /// <summary>
    /// What a burst is measured against: the expectation, or for a host active in under 70% of its windows the larger
    /// of
    /// it and the active level, so an ordinary run of an intermittent host is no burst.
    /// </summary>
    private static double BurstReference(HostState s, double expected) =>
        s.Active < IntermittentBelow && s.PosN >= 1 ? Math.Max(expected, s.PosMean) : expected;


    /// <summary>
    /// Mean log-likelihood per window by which the hurdle must beat the count model: the hurdle ignores the hour, so
    /// a cyclic host that only ties with it keeps the count model, which knows its quiet hours.
    /// </summary>
    public const double HurdleMargin = 0.05;

    /// <summary>
    /// An intermittent host whose windows the hurdle (activity, then level) has fitted clearly better than the count
    /// model.
    /// </summary>
    private static bool UsesHurdle(HostState s) =>
        s.Active < IntermittentBelow && s.PosN >= 5 && s.FitDiff < -HurdleMargin;

    private static double ActiveDispersion(HostState s, double level)
    {
        double variance = Math.Max(s.PosSquare - s.PosMean * s.PosMean, 0);
        return Math.Clamp((variance - level) / (level * level), 0, 10);
    }

    /// <summary>The smallest count that would have been a spike in this window (for the alert's threshold).</summary>
    private long CriticalCount(HostState before, SpikeEvidence at, double avg, long points, long windowStart)
    {
        long lo = Math.Max((long)Math.Floor(at.Expected), 0), hi = Math.Max(lo + 1, Settings.MinCount);
        while (!IsSpike(Score(before, avg, points, hi, windowStart), hi) && hi < long.MaxValue / 4)
        {
            lo = hi;
            hi *= 2;
        }
        while (hi - lo > 1)
        {
            long mid = lo + (hi - lo) / 2;
            if (IsSpike(Score(before, avg, points, mid, windowStart), mid))
                hi = mid;
            else
                lo = mid;
        }
        return hi;
    }

    private (HostState State, double Avg, double Stdev) Update(
        HostState before, double avg, double stdev, long points, long count, long windowStart, bool spike,
        SpikeEvidence used)
    {
        var s = HostState.Read(before.Write());
        s.HasScalars = true;
        var (expected, alpha, relVar) = Predictive(before, avg, windowStart);
        // A spike enters clipped to the expectation plus three deviations, so a real level change is still learned.
        // A young host learns its first day whole, so a new host's own pattern becomes its expectation.
        bool clip = spike && points >= Settings.MinDataPoints;
        double c = clip ? Math.Min(count, expected + 3 * Math.Sqrt(expected * (1 + alpha * expected))) : count;
        double w = Math.Min(Settings.Weight, points + 1);
        double newAvg = avg + (c - avg) / w;
        double inner = (stdev * stdev * (w - 1) + (c - newAvg) * (c - avg)) / w;
        double newStdev = Math.Sqrt(Math.Max(0, inner));
        s.Active += ((c > 0 ? 1 : 0) - s.Active) / w;
        if (c > 0)
        {
            s.PosN = Math.Min(s.PosN + 1, Settings.Weight);
            s.PosMean += (c - s.PosMean) / s.PosN;
            s.PosSquare += (c * c - s.PosSquare) / s.PosN;
        }
        double reference = BurstReference(before, expected);
        BurstComponent.Learn(before, s, new BurstComponent.Window(
            points, count, expected, relVar, reference, used.MainTail, UsesHurdle(before), Settings.Weight,
            Seasonal(before, avg, windowStart)));
        // A window that looks like a burst (twice the level and below the burst tail under the host's own count model,
        // from its second window on) stays out of the dispersion: bursts are the burst component's, and an α raised
        // by them would hide the next ones from it.
        bool burstLike = points > 0 && count + 1 >= 2 * (reference + 1)
            && (points >= Settings.MinDataPoints ? used.MainTail : CountTails.NegBinomialUpper(count, expected, alpha))
                < BurstComponent.ExcludedTail;
        // A window whose hour the profile has not seen in its group (a first weekend, a first day) was tested against
        // a borrowed expectation: its residual is the profile's ignorance, not the host's dispersion, and its fit
        // says nothing of whether the host is intermittent.
        bool borrowed = Settings.Seasonal && SeasonalProfile.Borrowed(before.Profile, windowStart);
        if (points > 0 && !spike && !burstLike && !borrowed)
        {
            // The expectation's own estimation variance (v·e²) is taken out: α is the host's dispersion alone.
            double r2 = (c - expected) * (c - expected) - relVar * expected * expected;
            s.Residual += (r2 - s.Residual) / w;
            s.ResidualSq += (r2 * r2 - s.ResidualSq) / w;
            double capped = 9 * expected * (1 + BurstComponent.LearningDispersion(before) * expected);
            double r2w = Math.Min((c - expected) * (c - expected), capped) - relVar * expected * expected;
            s.ResidualW += (r2w - s.ResidualW) / w;
            s.ExpMean += (expected - s.ExpMean) / w;
            s.ExpSquare += (expected * expected - s.ExpSquare) / w;
        }
        if (points > 0 && before.PosN >= 1 && !spike && !borrowed)
        {
            long k = (long)Math.Round(c);
            double logA = CountTails.NegBinomialLogPmf(k, expected, alpha);
            double active = Math.Clamp(before.Active, 0.01, 0.99);
            double level = Math.Max(before.PosMean - 1, 0.02);
            double logB = k == 0 ? Math.Log(1 - active)
                : Math.Log(active) + CountTails.NegBinomialLogPmf(k - 1, level, ActiveDispersion(before, level));
            s.FitDiff += (Math.Clamp(logA - logB, -20, 20) - s.FitDiff) / w;
        }
        double wr = Math.Min(24, points + 1);
        double seasonal = points == 0 ? c : Seasonal(before, avg, windowStart);
        s.RecentCount += (c - s.RecentCount) / wr;
        s.RecentExpected += (seasonal - s.RecentExpected) / wr;
        // The short ratio sees a level shift (up to twice the expectation plus three deviations), not a spike whole;
        // a window found a spike enters it as the state takes it (e + 3 sd), so a spike that goes on is tested at the
        // level before it. The last window's level (the level-shift alternative) still takes it to 2e + 3 sd.
        double sd = Math.Sqrt(expected * (1 + alpha * expected));
        double lastRatio = points == 0 ? 1 : (Math.Min(count, 2 * expected + 3 * sd) + 1) / (seasonal + 1);
        double shortRatio = spike ? (Math.Min(count, expected + 3 * sd) + 1) / (seasonal + 1) : lastRatio;
        s.RecentShort += (shortRatio - s.RecentShort) / Math.Min(ShortWindows, points + 1);
        s.LastRatio = lastRatio;
        s.Profile = SeasonalProfile.Update(s.Profile, windowStart, (long)Math.Round(c));
        return (s, newAvg, newStdev);
    }

    /// <summary>
    /// P(X ≥ k) for X ~ Poisson(λ) (kept for callers of the earlier model; see <see cref="CountTails"/>).
    /// </summary>
    public static double PoissonUpperTail(long k, double lambda) => CountTails.PoissonUpper(k, lambda);

    /// <summary>ln(n!) (see <see cref="CountTails.LogFactorial"/>).</summary>
    public static double LogFactorial(long n) => CountTails.LogFactorial(n);
}
