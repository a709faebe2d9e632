namespace FlowSpike.Baseline;

/// <summary>
/// The recommended model's normal bursts: which windows are learned as bursts, and the share and predictive of the
/// bursts seen that the count's tail is mixed with, (1 − q) · count tail + q · burst tail (docs/models.md).
/// </summary>
internal static class BurstComponent
{
    /// <summary>The chance bursts of a host without bursts: at most the nominal tail's share of its windows.</summary>
    public const double ChanceShare = 1e-4;

    /// <summary>
    /// A window twice its level whose count has a tail below this under the count model stays out of the dispersion:
    /// bursts are the burst component's, and an α raised by them would hide the next ones from it.
    /// </summary>
    public const double ExcludedTail = 1e-4;

    /// <summary>
    /// A window whose count has a tail below this under the host's count model (winsorized dispersion) and is twice
    /// its level is a burst candidate.
    /// </summary>
    public const double LearnTail = 1e-4;

    /// <summary>
    /// A window after a burst candidate this high under the count model shows a level change instead.
    /// </summary>
    public const double LevelChangeTail = 0.1;

    /// <summary>Bursts a host must have shown before its burst component counts.</summary>
    public const int MinBursts = 1;

    /// <summary>
    /// Below this many bursts seen, no burst is larger than <see cref="CutFactor"/> times the largest.
    /// </summary>
    public const int FewBursts = 3;

    /// <summary>One or two bursts seen explain no count more than this many times the largest of them.</summary>
    public const double CutFactor = 2;

    /// <summary>
    /// The spread of the bursts' log ratio is never taken below this (the bursts seen are truncated).
    /// </summary>
    public const double SpreadFloor = 0.5;

    /// <summary>Weight, in bursts, of the spread floor as a prior on the spread (degrees of freedom it adds).</summary>
    public const double SpreadPriorN = 4;

    /// <summary>
    /// P(the host has bursts | it learned <paramref name="bursts"/>): one or two learned bursts are also what an
    /// ordinary host's chance windows, a level change or a cycle the profile has not seen yet give (docs/models.md).
    /// </summary>
    public static double BurstyPosterior(double bursts) =>
        bursts < 1.5 ? PosteriorOne : bursts < 2.5 ? PosteriorTwo : 1;

    public const double PosteriorOne = 0.37, PosteriorTwo = 0.79;

    /// <summary>The dispersion the bursts are learned against: the winsorized one, never above the plain α.</summary>
    public static double LearningDispersion(HostState s) =>
        s.ExpSquare <= 0 ? 0 : Math.Clamp((s.ResidualW - s.ExpMean) / s.ExpSquare, 0, RecommendedModel.Dispersion(s));

    /// <summary>The mixture of the count's tail with the bursts' (the tail itself without bursts).</summary>
    public static double Mix(HostState s, double tail, long count, double reference)
    {
        if (s.BurstN < MinBursts || s.BurstShare <= 0)
            return tail;
        double ratio = Math.Log((count + 1) / (reference + 1));
        double q = Math.Clamp(s.BurstShare - ChanceShare, 0, 0.5) * BurstyPosterior(s.BurstN);
        return (1 - q) * tail + q * TailOf(s, ratio);
    }

    /// <summary>
    /// P(a burst's log ratio ≥ <paramref name="ratio"/>), from the bursts seen: a Student-t around their mean, its
    /// spread theirs (never below <see cref="SpreadFloor"/>, a prior of <see cref="SpreadPriorN"/> bursts' weight),
    /// widened by 1 + 1 / n. With fewer than <see cref="FewBursts"/> bursts it is cut at <see cref="CutFactor"/>
    /// times the largest seen: one or two bursts never explain a count several times larger than themselves.
    /// </summary>
    public static double TailOf(HostState s, double ratio)
    {
        double n = Math.Max(s.BurstN, 1), mean = s.BurstLog;
        double within = Math.Max(s.BurstSquare - mean * mean, 0), floor = SpreadFloor * SpreadFloor;
        double spread2 = Math.Max((SpreadPriorN * floor + n * within) / (SpreadPriorN + n), floor);
        double scale = Math.Sqrt(spread2 * (1 + 1 / n)), nu = n + SpreadPriorN;
        double Upper(double r) => CountTails.StudentTUpper((r - mean) / scale, nu);
        if (n >= FewBursts)
            return Upper(ratio);
        double cut = s.BurstMax + Math.Log(CutFactor);
        if (ratio >= cut)
            return 0;
        double beyond = Upper(cut);
        return (Upper(ratio) - beyond) / (1 - beyond);
    }

    /// <summary>
    /// Learns from one window (its count, expectation and the count model's tail): a candidate is kept as a burst when
    /// the next window is ordinary; the share of burst windows and the bursts' log-ratio moments follow.
    /// </summary>
    public static void Learn(HostState before, HostState s, in Window w)
    {
        // A burst is a window its count model finds unlikely (tail below LearnTail) and at least twice its level,
        // learned from three days and five active windows on, spikes included: a host whose normal has bursts keeps
        // them. The learning tail is the count model's with the winsorized dispersion (LearningDispersion), which the
        // bursts themselves barely raise: with the plain α, a bursty host's bursts raise α until none is unlikely.
        // A level ratio below 1 does not lower the hour's expectation here: a cycle's first edge lowers it for a day,
        // and an ordinary window against it would be learned as a burst, or a chance one as several times its size.
        double own = Math.Max(w.Expected, w.Seasonal);
        bool candidate = w.Points >= 72 && before.PosN >= 5 && w.Count + 1 >= 2 * (Math.Max(w.Reference, own) + 1)
            && (w.Hurdle
                ? w.MainTail
                : CountTails.NegBinomialUpper(
                    w.Count, own, (1 + LearningDispersion(before)) * (1 + w.RelVar) - 1)) < LearnTail;
        // A candidate waits one window: when the next window is high too (its count-model tail below
        // LevelChangeTail), the level changed or an intermittent host's run began, and it was no burst.
        bool burst = before.PendingBurst > 0 && w.MainTail >= LevelChangeTail;
        double lr = before.PendingBurst;
        // Its size is measured against the hour's own expectation, as a spike's is in Mix: an intermittent host's
        // active level (the reference) would make an off-hour ×10 look like an on-hour ×3.
        s.PendingBurst = candidate ? Math.Log((w.Count + 1) / (own + 1)) : 0;
        double wb = Math.Min(2 * w.Weight, w.Points + 1);
        s.BurstShare += ((burst ? 1 : 0) - s.BurstShare) / wb;
        if (burst)
        {
            s.BurstN = Math.Min(s.BurstN + 1, 50);
            s.BurstLog += (lr - s.BurstLog) / s.BurstN;
            s.BurstSquare += (lr * lr - s.BurstSquare) / s.BurstN;
            s.BurstMax = Math.Max(s.BurstMax, lr);
        }
    }

    /// <summary>
    /// "bursts seen: 2, largest ×3.1" when the host's burst history lowered the count's severity (the mixture's tail
    /// against the count model's alone); else null.
    /// </summary>
    public static string? History(HostState s, double countTail, double mixed) =>
        SpikeEvidence.SeverityOf(mixed) == SpikeEvidence.SeverityOf(countTail)
            ? null
            : string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"bursts seen: {s.BurstN:F0}, largest ×{Math.Exp(s.BurstMax):F1}");

    /// <summary>What <see cref="Learn"/> sees of a window.</summary>
    public readonly record struct Window(
        long Points, long Count, double Expected, double RelVar, double Reference, double MainTail, bool Hurdle,
        double Weight, double Seasonal);
}
