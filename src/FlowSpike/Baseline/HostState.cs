using System.Buffers.Binary;

namespace FlowSpike.Baseline;

/// <summary>
/// What the recommended model keeps per host beyond the ESCU search's columns: the hour-of-week profile
/// (<see cref="SeasonalProfile"/>, 840 bytes) followed by the scalars of the count model (<see cref="Fields"/>
/// doubles). A state written before the scalars existed (the profile alone) is read as a profile with fresh scalars,
/// so states upgrade in place on their next step.
/// </summary>
internal sealed class HostState
{
    public const int Fields = 20;

    /// <summary>The scalars of the first calibrated layout (without the short ratio and the bursts' square).</summary>
    public const int FirstFields = 13;

    /// <summary>
    /// The scalars of the second layout (without the last window's ratio and the winsorized residual).
    /// </summary>
    public const int SecondFields = 16;

    /// <summary>The scalars of the third layout (without the squared residuals' second moment).</summary>
    public const int ThirdFields = 18;

    /// <summary>The scalars of the fourth layout (without the largest burst).</summary>
    public const int FourthFields = 19;
    public const int Bytes = SeasonalProfile.Bytes + Fields * 8;

    public byte[] Profile = SeasonalProfile.Empty();

    /// <summary>Share of windows with a count above 0 (activity).</summary>
    public double Active;
    /// <summary>Mean and mean square of the count over active windows, and how many there were (capped).</summary>
    public double PosMean, PosSquare, PosN;
    /// <summary>
    /// Mean squared residual (c − e)², mean e and mean e² over ordinary windows: the dispersion's moments.
    /// </summary>
    public double Residual, ExpMean, ExpSquare;
    /// <summary>Short-memory means of the count and of its expectation (level ratio for trends and shifts).</summary>
    public double RecentCount, RecentExpected;
    /// <summary>Share of burst windows, and the mean of their log ratio ln((c + 1) / (e + 1)).</summary>
    public double BurstShare, BurstLog;
    /// <summary>
    /// Running mean of ln p_count(c) − ln p_hurdle(c): which of the two fits this host's windows better.
    /// </summary>
    public double FitDiff;
    /// <summary>Burst windows seen (capped).</summary>
    public double BurstN;
    /// <summary>Mean of count over expectation in the last few windows (a level shift is followed in hours).</summary>
    public double RecentShort = 1;
    /// <summary>Mean of the bursts' squared log ratio (their spread).</summary>
    public double BurstSquare;
    /// <summary>
    /// The log ratio of last window's burst candidate (0: none), kept until the next window confirms it.
    /// </summary>
    public double PendingBurst;

    /// <summary>
    /// The last window's count over its expectation (clipped as the short ratio is): the level it showed.
    /// </summary>
    public double LastRatio = 1;
    /// <summary>Mean squared residual with each window's capped at 9 predictive variances (3 deviations): a
    /// dispersion the bursts barely raise, for telling bursts apart (<see cref="BurstComponent.LearningDispersion"/>).
    /// </summary>
    public double ResidualW;

    /// <summary>
    /// Mean of the squared residual's square over the windows of <see cref="Residual"/>: how well the dispersion is
    /// known (<see cref="RecommendedModel.DispersionSd"/>); heavy-tailed residuals make it large.
    /// </summary>
    public double ResidualSq;

    /// <summary>The largest burst's log ratio seen (0: none).</summary>
    public double BurstMax;

    /// <summary>
    /// Whether the scalars came from a stored state (false: fresh, or upgraded from a profile-only state).
    /// </summary>
    public bool HasScalars;

    public static HostState Read(byte[]? state)
    {
        var s = new HostState();
        if (state is null)
            return s;
        if (state.Length >= SeasonalProfile.Bytes)
            s.Profile = state.AsSpan(0, SeasonalProfile.Bytes).ToArray();
        int fields = (state.Length - SeasonalProfile.Bytes) / 8;
        if (state.Length < SeasonalProfile.Bytes || (state.Length - SeasonalProfile.Bytes) % 8 != 0
            || fields is not (FirstFields or SecondFields or ThirdFields or FourthFields or Fields))
            return s;
        double F(int i) => BinaryPrimitives.ReadDoubleLittleEndian(state.AsSpan(SeasonalProfile.Bytes + i * 8));
        s.Active = F(0);
        s.PosMean = F(1);
        s.PosSquare = F(2);
        s.PosN = F(3);
        s.Residual = F(4);
        s.ExpMean = F(5);
        s.ExpSquare = F(6);
        s.RecentCount = F(7);
        s.RecentExpected = F(8);
        s.BurstShare = F(9);
        s.BurstLog = F(10);
        s.FitDiff = F(11);
        s.BurstN = F(12);
        if (fields >= SecondFields)
        {
            s.RecentShort = F(13);
            s.BurstSquare = F(14);
            s.PendingBurst = F(15);
        }
        else
        {
            s.BurstSquare = s.BurstLog * s.BurstLog;
        }
        if (fields >= ThirdFields)
        {
            s.LastRatio = F(16);
            s.ResidualW = F(17);
        }
        else
        {
            s.ResidualW = s.Residual;
        }
        // An older layout's residuals are taken as normal: their square's mean square is three times the squared mean.
        s.ResidualSq = fields >= FourthFields ? F(18) : 3 * s.Residual * s.Residual;
        // An older layout's largest burst: the mean plus one spread of its bursts (exact for one or two).
        s.BurstMax = fields >= Fields ? F(19)
            : s.BurstN <= 0 ? 0
            : s.BurstLog + Math.Sqrt(Math.Max(s.BurstSquare - s.BurstLog * s.BurstLog, 0));
        s.HasScalars = true;
        return s;
    }

    public byte[] Write()
    {
        var bytes = new byte[Bytes];
        Profile.AsSpan().CopyTo(bytes);
        var d = bytes.AsSpan(SeasonalProfile.Bytes);
        double[] values =
        [
            Active, PosMean, PosSquare, PosN, Residual, ExpMean, ExpSquare, RecentCount, RecentExpected, BurstShare,
            BurstLog, FitDiff, BurstN, RecentShort, BurstSquare, PendingBurst, LastRatio,
            ResidualW, ResidualSq, BurstMax,
        ];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteDoubleLittleEndian(d[(i * 8)..], values[i]);
        return bytes;
    }
}
