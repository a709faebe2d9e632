using FlowSpike.Baseline;

namespace FlowSpike.Tests.Core;

/// <summary>The robust model's math: median and MAD by hand, the ring of recent counts, and robustness to a burst.</summary>
public class RobustModelTests
{
    private const long T0 = 1_791_158_400;
    private static readonly RobustModel Model = new(new RecommendedSettings());

    [Fact]
    public void Median_and_mad_match_hand_computed_values()
    {
        // 1 2 3 4 100: median 3; deviations 2 1 0 1 97 → sorted 0 1 1 2 97 → MAD 1.
        Assert.Equal((3.0, 1.0), RobustModel.MedianAndMad([1, 2, 3, 4, 100]));
        // 1 2 3 4: median 2.5; deviations 1.5 0.5 0.5 1.5 → MAD 1.
        Assert.Equal((2.5, 1.0), RobustModel.MedianAndMad([4, 1, 3, 2]));
        Assert.Equal((0.0, 0.0), RobustModel.MedianAndMad([]));
    }

    [Fact]
    public void The_row_holds_the_median_and_the_scaled_mad_of_the_last_week()
    {
        BaselineRow? row = null;
        for (int i = 0; i < 200; i++)
            row = Model.Step(row, 9, i % 2 == 0 ? 2 : 4, T0 + i * 3600L).Updated;
        var recent = RobustModel.Recent(row!.Value.ModelState);
        Assert.Equal(RobustModel.History, recent.Count);
        Assert.Equal(4, recent[^1]); // the 200th count (i = 199)
        // Half 2s and half 4s: median 3, every deviation 1.
        Assert.Equal(3, row.Value.Avg);
        Assert.Equal(RobustModel.MadScale, row.Value.Stdev);
        Assert.Equal(200, row.Value.NumDataPoints);
    }

    [Fact]
    public void One_burst_does_not_blind_it_for_weeks()
    {
        BaselineRow? robust = null;
        BaselineRow? ewma = null;
        var recommended = new RecommendedModel(new RecommendedSettings { Seasonal = false });
        long t = T0;
        for (int i = 0; i < 100; i++, t += 3600)
        {
            long count = i == 50 ? 200 : 2;
            robust = Model.Step(robust, 1, count, t).Updated;
            ewma = recommended.Step(ewma, 1, count, t).Updated;
        }
        // 30 blocked connections 50 hours after a burst of 200: the mean model's deviation is still inflated
        // (about sqrt(198² / 100) ≈ 20, threshold ≈ 60), the median and MAD are not (2 and 0: threshold max(2 + 3, 9)).
        Assert.False(recommended.Step(ewma, 1, 30, t).Spike);
        var step = Model.Step(robust, 1, 30, t);
        Assert.Equal(9, step.Threshold);
        Assert.True(step.Spike);
    }

    [Theory]
    [InlineData(9, false)]  // under the count floor
    [InlineData(12, true)]
    public void The_count_floor_and_the_poisson_tail_apply(long count, bool spike)
    {
        BaselineRow? row = null;
        for (int i = 0; i < 48; i++)
            row = Model.Step(row, 1, 1, T0 + i * 3600L).Updated;
        Assert.Equal(spike, Model.Step(row, 1, count, T0 + 48 * 3600L).Spike);
    }

    [Fact]
    public void Hosts_are_not_scored_before_a_day_of_windows()
    {
        BaselineRow? row = null;
        for (int i = 0; i < 23; i++)
            row = Model.Step(row, 1, 0, T0 + i * 3600L).Updated;
        Assert.False(Model.Step(row, 1, 500, T0 + 23 * 3600L).Spike);
        row = Model.Step(row, 1, 0, T0 + 23 * 3600L).Updated;
        Assert.True(Model.Step(row, 1, 500, T0 + 24 * 3600L).Spike);
    }
}
