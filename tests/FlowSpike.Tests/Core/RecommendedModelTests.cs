using FlowSpike.Aggregation;
using FlowSpike.Baseline;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Synthesis;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Core;

/// <summary>The recommended model's math, each rule on its own, and its effect on the synthetic benchmark.</summary>
public class RecommendedModelTests
{
    private static readonly RecommendedModel Model = new(new RecommendedSettings());

    // Monday 2026-10-05 00:00 UTC.
    private const long T0 = 1_791_158_400;

    [Fact]
    public void Poisson_tail_matches_hand_computed_values()
    {
        // P(X >= 0) = 1; P(X >= 1 | 2) = 1 - e^-2; P(X >= 3 | 1) = 1 - e^-1 (1 + 1 + 1/2).
        Assert.Equal(1.0, RecommendedModel.PoissonUpperTail(0, 3));
        Assert.Equal(1 - Math.Exp(-2), RecommendedModel.PoissonUpperTail(1, 2), 12);
        Assert.Equal(1 - Math.Exp(-1) * 2.5, RecommendedModel.PoissonUpperTail(3, 1), 12);
        // Far in the tail: P(X >= 20 | 1) = e^-1 (1/20! + 1/21! + ...), summed here directly.
        double factorial = Enumerable.Range(1, 20).Aggregate(1.0, (f, i) => f * i), tail = 0;
        for (int i = 20; i < 40; i++)
        {
            tail += Math.Exp(-1) / factorial;
            factorial *= i + 1;
        }
        Assert.Equal(tail, RecommendedModel.PoissonUpperTail(20, 1), tail * 1e-10);
    }

    [Fact]
    public void Log_factorial_is_exact_then_stirling()
    {
        Assert.Equal(Math.Log(120), RecommendedModel.LogFactorial(5), 12);
        double exact = Enumerable.Range(1, 1000).Sum(i => Math.Log(i));
        Assert.Equal(exact, RecommendedModel.LogFactorial(1000), 9);
    }

    [Fact]
    public void A_new_host_learns_with_a_running_mean()
    {
        var step = Model.Step(null, 1, 4, T0);
        Assert.Equal(new BaselineRow(1, 4, 1, 4, 0), step.Updated with { ModelState = null });
        Assert.False(step.Spike);
        step = Model.Step(step.Updated, 1, 8, T0); // running mean of 4 and 8
        Assert.Equal(6, step.Updated.Avg);
        Assert.Equal(2, step.Updated.NumDataPoints);
    }

    [Fact]
    public void Quiet_windows_count_as_zero()
    {
        var row = new BaselineRow(1, 3, 200, 2.0, 1.0);
        var step = Model.Step(row, 1, null, T0);
        Assert.Null(step.Updated.LatestCount);
        Assert.Equal(201, step.Updated.NumDataPoints);
        Assert.Equal(2.0 + (0 - 2.0) / 168, step.Updated.Avg!.Value, 12);
    }

    [Fact]
    public void The_count_is_tested_before_it_enters_the_baseline()
    {
        var row = new BaselineRow(1, 3, 200, 2.0, 1.0);
        var step = Model.Step(row, 1, 40, T0);
        // Against the stored baseline: threshold max(2 + 3·1, 10 − 1) = 9.
        Assert.Equal(9, step.Threshold);
        Assert.True(step.Spike);
        Assert.True(step.Updated.Avg > 2.0);
    }

    [Theory]
    [InlineData(9, false)]   // below the minimum count
    [InlineData(10, true)]
    public void A_minimum_count_stops_low_rate_noise(long count, bool spike)
    {
        // A quiet host (mean 0.1, stdev 0.3): the seed's threshold would be 1.0.
        var row = new BaselineRow(1, 0, 500, 0.1, 0.3);
        Assert.Equal(spike, Model.Step(row, 1, count, T0).Spike);
    }

    [Fact]
    public void The_poisson_floor_stops_busy_hosts_noise()
    {
        // Mean 100, a tiny deviation: 131 is above avg + 3·stdev but not unlikely under Poisson(100) (p ≈ 0.002).
        var row = new BaselineRow(1, 100, 500, 100, 10);
        Assert.False(Model.Step(row, 1, 131, T0).Spike);
        Assert.True(Model.Step(row, 1, 160, T0).Spike);
    }

    [Fact]
    public void Hosts_are_not_scored_before_a_day_of_windows()
    {
        var row = new BaselineRow(1, 0, 23, 0.5, 0.5);
        Assert.False(Model.Step(row, 1, 500, T0).Spike);
        Assert.True(Model.Step(row with { NumDataPoints = 24 }, 1, 500, T0).Spike);
    }

    [Fact]
    public void Without_zero_fill_a_silent_window_is_no_data_point()
    {
        var model = new RecommendedModel(new RecommendedSettings { ZeroFill = false });
        Assert.False(model.UpdatesSilentHosts);
        var row = new BaselineRow(1, 3, 200, 2.0, 1.0);
        Assert.Equal(row with { LatestCount = null }, model.Step(row, 1, null, T0).Updated);
    }

    [Fact]
    public void Without_test_first_the_count_enters_the_baseline_before_the_test()
    {
        var model = new RecommendedModel(new RecommendedSettings { TestFirst = false, Seasonal = false });
        var row = new BaselineRow(1, 3, 200, 2.0, 1.0);
        var step = model.Step(row, 1, 40, T0);
        // Updated: avg 2 + 38/168; variance (1·167 + (40 − avg')(40 − 2)) / 168; threshold avg' + 3·stdev'.
        double avg = 2 + 38.0 / 168;
        double stdev = Math.Sqrt((167 + (40 - avg) * 38) / 168);
        Assert.Equal(avg + 3 * stdev, step.Threshold, 12);
        Assert.True(step.Spike);
        // The same count tested first faces the stored threshold max(2 + 3, 9) = 9.
        Assert.Equal(9, Model.Step(row, 1, 40, T0).Threshold);
    }

    [Fact]
    public void Without_auto_learn_a_new_host_waits_for_a_baseline_as_in_the_seed()
    {
        var model = new RecommendedModel(new RecommendedSettings { AutoLearn = false });
        var step = model.Step(null, 1, 500, T0);
        Assert.Equal(new BaselineRow(1, 500, null, null, null), step.Updated);
        Assert.False(step.Spike);
        Assert.False(model.Step(step.Updated, 1, 500, T0 + 3600).Spike);
    }

    [Fact]
    public void The_baseline_replays_every_bucket_since_first_seen()
    {
        var partial = new WindowPartial(3600);
        partial.GetWindow(T0)[7] = new SourceWindowStats { Count = 6 };
        partial.GetWindow(T0 + 3 * 3600)[7] = new SourceWindowStats { Count = 2 };
        partial.GetWindow(T0 + 2 * 3600)[8] = new SourceWindowStats { Count = 5 };
        var rows = BaselineBuilder.Replay(partial, T0, T0 + 4 * 3600, Model);
        // Host 7: buckets 6, 0, 0, 2 → running mean 2, population variance (16 + 4 + 4 + 0) / 4 = 6.
        Assert.Equal(2, rows[7].LatestCount);
        Assert.Equal(4, rows[7].NumDataPoints);
        Assert.Equal(2, rows[7].Avg!.Value, 12);
        Assert.Equal(Math.Sqrt(6), rows[7].Stdev!.Value, 12);
        // Host 8: first seen in bucket 2: buckets 5, 0 → mean 2.5, variance 6.25; silent in the last bucket.
        Assert.Null(rows[8].LatestCount);
        Assert.Equal(2, rows[8].NumDataPoints);
        Assert.Equal(2.5, rows[8].Avg!.Value, 12);
        Assert.Equal(2.5, rows[8].Stdev!.Value, 12);
    }

    [Fact]
    public void A_nightly_job_is_learned_by_the_hour_of_week_profile()
    {
        // One blocked connection an hour, and 60 every night at 02:00 (a backup job hitting a blocked endpoint).
        static long CountAt(long t) => (t / 3600) % 24 == 2 ? 60 : 1;
        var seasonal = Model;
        var flat = new RecommendedModel(new RecommendedSettings { Seasonal = false });
        BaselineRow? withProfile = null, without = null;
        int seasonalSpikes = 0, flatSpikes = 0;
        for (long t = T0; t < T0 + 4 * 86400; t += 3600)
        {
            var a = seasonal.Step(withProfile, 1, CountAt(t), t);
            var b = flat.Step(without, 1, CountAt(t), t);
            withProfile = a.Updated;
            without = b.Updated;
            seasonalSpikes += a.Spike ? 1 : 0;
            flatSpikes += b.Spike ? 1 : 0;
        }
        // Scored from the second day on: without the profile each later night pages (mean ≈ 3.5, stdev ≈ 11.6,
        // threshold ≈ 38 < 60); with it, 02:00 expects 60 after the first night and never pages.
        Assert.Equal(3, flatSpikes);
        Assert.Equal(0, seasonalSpikes);
    }

    [Fact]
    public void The_profile_backs_off_to_the_hour_of_day_until_two_weeks_are_seen()
    {
        var profile = SeasonalProfile.Empty();
        Assert.Equal(0, SeasonalProfile.SlotOf(T0));
        Assert.Equal(72, SeasonalProfile.SlotOf(0)); // 1970-01-01 was a Thursday
        Assert.Equal(0, SeasonalProfile.Expected(profile, T0 + 5 * 3600));
        profile = SeasonalProfile.Update(profile, T0 + 5 * 3600, 10);             // Monday 05:00
        profile = SeasonalProfile.Update(profile, T0 + 86400 + 5 * 3600, 20);     // Tuesday 05:00
        // Wednesday 05:00 was never seen: the mean of the 05:00 slots seen, (10 + 20) / 2.
        Assert.Equal(15, SeasonalProfile.Expected(profile, T0 + 2 * 86400 + 5 * 3600));
        // Monday 05:00 with one week only backs off too; with a second week it is the slot's own running mean.
        Assert.Equal(15, SeasonalProfile.Expected(profile, T0 + 7 * 86400 + 5 * 3600));
        profile = SeasonalProfile.Update(profile, T0 + 7 * 86400 + 5 * 3600, 30);
        Assert.Equal(20, SeasonalProfile.Expected(profile, T0 + 14 * 86400 + 5 * 3600));
        // The slot weight caps at 4 weeks: the fifth observation moves the mean by a quarter of its distance.
        for (int week = 2; week < 4; week++)
            profile = SeasonalProfile.Update(profile, T0 + week * 7 * 86400 + 5 * 3600, 20);
        profile = SeasonalProfile.Update(profile, T0 + 4 * 7 * 86400 + 5 * 3600, 60);
        Assert.Equal(20 + (60 - 20) / 4.0, SeasonalProfile.Expected(profile, T0 + 5 * 3600), 5);
    }

    [Fact]
    public void A_state_keeps_its_model()
    {
        using var dir = new TempDir();
        string path = dir.File("s.db");
        using (SqliteStateStore.Open(path, RecommendedModel.ModelName))
        {
        }
        var e = Assert.Throws<StateException>(() => SqliteStateStore.Open(path, SplunkModel.ModelName));
        Assert.Contains("model 'recommended'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void On_the_synthetic_benchmark_recommended_has_half_the_false_alerts_at_equal_recall()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        var labels = Evaluation.ReadLabels(set.Result.LabelsPath);
        var rows = Evaluation.Run(new InputOptions { Inputs = [set.Logs] }, labels, SynthData.From, SynthData.BaselineEnd, SynthData.End, 3600,
            ["splunk", "recommended"], NullRunLog.Instance).ToDictionary(r => r.Model);
        var splunk = rows["splunk"];
        var recommended = rows["recommended"];
        Assert.True(splunk.FalsePositives > 0, "the benchmark should show the seed's false alerts");
        Assert.True(recommended.FalsePositives * 2 <= splunk.FalsePositives, $"false alerts: recommended {recommended.FalsePositives}, splunk {splunk.FalsePositives}");
        Assert.True(recommended.Recall >= splunk.Recall, $"recall: recommended {recommended.Recall}, splunk {splunk.Recall}");
    }
}
