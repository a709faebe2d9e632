using FlowSpike.Jobs;
using FlowSpike.Runs;
using FlowSpike.Synth;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Core;

/// <summary>
/// Issue 7's bar on each weakness scenario `flowspike synth --scenario` writes: the recommended model raises at most
/// half the ESCU search's false alerts, at equal or better recall.
/// </summary>
public class ScenarioEvaluationTests
{
    public static TheoryData<string> Scenarios => [.. WeaknessScenario.Names];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Recommended_halves_the_false_alerts_at_equal_or_better_recall(string scenario)
    {
        using var dir = new TempDir();
        int labelled = WeaknessScenario.Write(scenario, dir.Path);
        var labels = Evaluation.ReadLabels(dir.File("labels.csv"));
        Assert.Equal(labelled, labels.Count);
        long start = WeaknessScenario.Start.ToUnixTimeSeconds();
        var rows = EvaluateJob.Resolve(new JobSettings
        {
            Inputs = [dir.File("flows.log")],
            Labels = dir.File("labels.csv"),
            Models = ["splunk", "recommended"]
        })
            .Run(start, start + 7 * 86400, start + 10 * 86400, NullRunLog.Instance).ToDictionary(r => r.Model);
        var (splunk, recommended) = (rows["splunk"], rows["recommended"]);
        Assert.True(splunk.FalsePositives + splunk.Missed > 0, $"{scenario}: the ESCU search should show its weakness");
        Assert.True(recommended.FalsePositives * 2 <= splunk.FalsePositives,
            $"{scenario}: false alerts: recommended {recommended.FalsePositives}, splunk {splunk.FalsePositives}");
        Assert.True(recommended.Recall >= splunk.Recall,
            $"{scenario}: recall: recommended {recommended.Recall}, splunk {splunk.Recall}");
    }

    [Fact]
    public void Evaluate_infers_its_ranges_from_the_data_and_the_labels()
    {
        using var dir = new TempDir();
        WeaknessScenario.Write("noisy-low-rate", dir.Path);
        var labels = Evaluation.ReadLabels(dir.File("labels.csv"));
        // Data from 2026-10-01T00 to the end of 2026-10-10; the first labelled spike is on 2026-10-08.
        Assert.Equal("2026-10-08",
            DateTimeOffset.FromUnixTimeSeconds(labels.Min(l => l.WindowStart))
            .ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        long start = WeaknessScenario.Start.ToUnixTimeSeconds();
        Assert.Equal((start, start + 7 * 86400, start + 10 * 86400),
            Evaluation.InferRange(new InputOptions { Inputs = [dir.File("flows.log")] }, labels, 3600));
    }
}
