using FlowSpike.Alerts;
using FlowSpike.Models;
using FlowSpike.Reports;
using FlowSpike.Synth;
using FsCheck;
using FsCheck.Fluent;

namespace FlowSpike.Tests.Core;

/// <summary>
/// The guarantee of docs/models.md: a burst history bounds what it can explain, so a host without bursts, or with one
/// or two planted ones, never hides a ×10; and when bursts lower a spike's severity, the evidence names them.
/// </summary>
public class BurstBoundTests
{
    private static readonly RecommendedModel Model = new(new RecommendedSettings());

    private static readonly long T0 = ZooScenario.Start.ToUnixTimeSeconds();

    private const int Baseline = ZooScenario.BaselineDays * 24;

    private static ZooScenario.Host Host(Func<int, double> level) =>
        new() { Ip = "10.0.0.1", Account = "111111111111", Behaviour = "poisson", Level = level };

    /// <summary>Steps the model through the counts and returns the state before the last hour and its step.</summary>
    private static (BaselineRow? Before, ModelStep Step) Run(int[] counts)
    {
        BaselineRow? row = null;
        ModelStep step = default;
        for (int h = 0; h < counts.Length; h++)
        {
            step = Model.Step(row, 1, counts[h] > 0 ? counts[h] : null, T0 + h * 3600L);
            if (h < counts.Length - 1)
                row = step.Updated;
        }
        return (row, step);
    }

    /// <summary>
    /// A Poisson host of <paramref name="l"/> (level 0.2 · 1000^(l/1000)), of shape <paramref name="packed"/> (mod 3:
    /// flat, daily cycle or weekly cycle; div 3: the cycle's strength in hundredths) and counts drawn with
    /// <paramref name="seed"/>, given max(10 × level, level + 30) at an hour of its third week: is it flagged?
    /// </summary>
    private static (bool Flagged, string Case) TenfoldOnPlainHost(int l, int packed, int seed)
    {
        double level = 0.2 * Math.Pow(1000, l / 1000.0), strength = packed / 3 / 100.0;
        Func<int, double> shape = (packed % 3) switch
        {
            0 => _ => level,
            1 => h => level * (1 + strength * Math.Cos(2 * Math.PI * (h % 24) / 24)),
            _ => h => h / 24 % 7 >= 5 ? level * (0.1 + strength) : level,
        };
        int hour = Baseline + seed % 24;
        var counts = ZooScenario.DrawCounts(Host(shape), seed, hour + 1);
        counts[hour] = (int)Math.Ceiling(Math.Max(10 * shape(hour), shape(hour) + 30));
        var (_, step) = Run(counts);
        return (step.Spike, $"l {l}, shape {packed}, seed {seed}: level {shape(hour):F2}, count {counts[hour]}");
    }

    [Fact]
    public void A_host_without_bursts_never_hides_ten_times_its_level()
    {
        // Any level from 0.2 to 200 an hour, flat, with a daily cycle (amplitude up to 0.9) or a weekly one (weekends
        // at 0.1 to 1 of weekdays), any seed of its Poisson counts, and any hour of the day after its two weeks:
        // max(10 × level, level + 30) is flagged. 500 random hosts a run (about 2 s).
        var levels = Gen.Choose(0, 1000).ToArbitrary();
        var shapes = Gen.Choose(0, 3 * 90 - 1).ToArbitrary();
        var seeds = Gen.Choose(0, 1_000_000).ToArbitrary();
        Prop.ForAll(levels, shapes, seeds, (l, packed, seed) =>
        {
            var (flagged, name) = TenfoldOnPlainHost(l, packed, seed);
            return flagged.Label(name);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Theory]
    // Counterexamples the property found. l 530: a chance zero set a flat host's Saturday 06:00 near 0 (0.5; the
    // shrinkage weighed the hour by its own low mean), so a count of 14 there was learned as a ×9.9 burst and hid a
    // count of 78 at level 7.8. The next two hid theirs behind one learned burst of ×5.4 and ×6.1.
    [InlineData(530, 0, 861248)]
    [InlineData(418, 191, 80126)]
    [InlineData(395, 108, 590584)]
    // A weekly host's first weekend: the day's level ratio (0.55, the weekend's counts against weekday
    // expectations) lowered Sunday's expectation to 1.6 while the hour's own was 2.9, so a chance 13 was learned as
    // a ×5.4 burst and hid a count of 111 at level 11.
    [InlineData(581, 50, 578695)]
    public void Counterexamples_of_the_tenfold_property_are_flagged(int l, int packed, int seed)
    {
        var (flagged, name) = TenfoldOnPlainHost(l, packed, seed);
        Assert.True(flagged, name);
    }

    [Fact]
    public void Two_planted_bursts_do_not_buy_a_tenfold_spike()
    {
        // A Poisson host at 20 an hour. An intruder plants two ×3 bursts (+40) on days 4 and 9, then beacons at ×10
        // (+180) in the detection week. The model learns both bursts (ratios near 61 / 21 ≈ 2.9) and would let a
        // burst explain their size, but no ratio beyond twice the largest: the ×10's ratio, about 201 / 21 ≈ 9.6, is
        // out of their reach, and it is flagged at the count model's own tail.
        int spike = Baseline + 30;
        var counts = ZooScenario.DrawCounts(Host(_ => 20), 7, spike + 1);
        counts[3 * 24 + 14] += 40;
        counts[8 * 24 + 3] += 40;
        counts[spike] += 180;
        var (before, step) = Run(counts);
        var s = HostState.Read(before!.Value.ModelState);
        Assert.Equal(2, s.BurstN);
        Assert.InRange(Math.Exp(s.BurstMax), 2.3, 3.6);
        Assert.True(step.Spike);
        Assert.Equal(step.Evidence!.MainTail, step.Evidence.TailProbability, step.Evidence.MainTail * 1e-2);
        Assert.Equal("critical", step.Evidence.Severity);
    }

    [Fact]
    public void The_planted_burst_scenario_flags_every_tenfold_spike_of_a_tuning_seed()
    {
        // Seed 1 (a tuning seed), two hosts per behaviour and number of bursts: 24 hosts, each with none, one or two
        // ×3 bursts in its baseline and a ×10 in its detection week.
        var cases = ZooPlantedBursts.Run([1], new RecommendedSettings(), perBehaviour: 2);
        Assert.Equal(24, cases.Count);
        Assert.All(cases, c => Assert.True(c.Flagged, $"{c.Behaviour}: {c.Count} at level {c.Level:F1}"));
        Assert.Contains("| all | 1 or 2 | 16 | 16/16 |", ZooPlantedBursts.Markdown(cases), StringComparison.Ordinal);
    }

    [Fact]
    public void Bursts_that_lower_the_severity_are_named_in_the_evidence()
    {
        // Two bursts, the largest ×3.1: a count-model tail of 1e-20 (critical) mixed up to 3e-5 (low) names them; a
        // mixture that keeps the severity does not.
        var s = new HostState { BurstN = 2, BurstMax = Math.Log(3.1) };
        Assert.Equal("bursts seen: 2, largest ×3.1", BurstComponent.History(s, 1e-20, 3e-5));
        Assert.Null(BurstComponent.History(s, 1e-20, 2e-20));
        var evidence = new SpikeEvidence(10, 0, 3e-5, SpikeEvidence.CountRule)
        {
            BurstHistory = "bursts seen: 2, largest ×3.1",
        };
        Assert.Contains("burst history bursts seen: 2, largest ×3.1", EvidenceText.Line(evidence),
            StringComparison.Ordinal);
        var alert = new Alert
        {
            WindowStart = 0,
            WindowEnd = 3600,
            SrcIp = "10.0.0.1",
            BlockedConnections = 40,
            BlockedDestIps = [],
            ResourceIds = [],
            LatestCount = 40,
            NumDataPoints = 400,
            AvgBlockedConnections = 10,
            StdevBlockedConnections = 3,
            Threshold = 30,
            Model = RecommendedModel.ModelName,
            DeviationThreshold = 3,
            DataPointThreshold = 5,
            Evidence = evidence,
        };
        string json = AlertJson.Serialize(alert);
        Assert.Contains("\"burst_history\":", json, StringComparison.Ordinal);
        Assert.Equal(evidence.BurstHistory, AlertJson.Parse(json).Evidence!.BurstHistory);
    }

    [Fact]
    public void The_splunk_severity_is_the_deviations_above_the_threshold()
    {
        // d = (count − threshold) / stdev: ≥ 10 critical, ≥ 4 high, ≥ 1 medium, else low. The README's alert,
        // 129 against 11.53 + 3 × 5.60 = 28.33, is (129 − 28.33) / 5.60 ≈ 18 deviations above it; 3 against 2.85
        // with a deviation of 0.6 is 0.25.
        Assert.Equal("critical", SplunkModel.SeverityOf(129, 28.33393654572544, 5.599996550920458));
        Assert.Equal("low", SplunkModel.SeverityOf(3, 2.85, 0.6));
        Assert.Equal("medium", SplunkModel.SeverityOf(12, 10, 2));
        Assert.Equal("high", SplunkModel.SeverityOf(18, 10, 2));
        Assert.Equal("critical", SplunkModel.SeverityOf(30, 10, 2));
        Assert.Equal("critical", SplunkModel.SeverityOf(2, 1, 0));
    }
}
