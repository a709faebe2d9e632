using FlowSpike.Runs;
using FlowSpike.Synth;

namespace FlowSpike.Tests.Core;

public class ZooEvaluationTests
{
    private static Evaluation.Label Spike(string ip, long start, string size, double oracle) =>
        new(ip, start, start + 3600) { Behaviour = "poisson", Size = size, OracleTail = oracle };

    [Fact]
    public void Detectable_recall_counts_only_the_x5_and_x10_spikes_the_oracle_finds()
    {
        // Four labels: an x5 the oracle finds (1e-6) and one it does not (1e-2), an x10 it finds, an x3 it finds.
        var labels = new[]
        {
            Spike("10.0.0.1", 0, "x5", 1e-6), Spike("10.0.0.2", 0, "x5", 1e-2),
            Spike("10.0.0.3", 3600, "x10", 1e-9), Spike("10.0.0.4", 0, "x3", 1e-7),
        };
        var hosts = labels.Select(l => new ZooEvaluation.ZooHost(l.SrcIp, "a", "poisson", 0)).ToList();
        // The model finds the first x5 and the x3, and misses the x10 and the undetectable x5.
        var alerts = new List<(string, long)> { ("10.0.0.1", 0), ("10.0.0.4", 0) };
        var f = ZooEvaluation.Score("m", alerts, labels, hosts, 0, 7200, 3600);
        Assert.Equal((1, 2), f.RecallBySize["x5"]);
        Assert.Equal((1, 2), f.RecallBySize[ZooEvaluation.Detectable]);
        Assert.Equal(1 / 3.0, ZooEvaluation.RecallFiveAndAbove(f), 12);
        Assert.Contains("| 1/2 = 0.50 |", ZooEvaluation.Markdown([f]), StringComparison.Ordinal);
    }

    [Fact]
    public void Oracle_obvious_recall_counts_every_spike_the_oracle_puts_below_1e_9()
    {
        // Tails 1e-10 (an x3) and 1e-12 (a new host) are obvious; 1e-9 itself and 1e-5 are not. The model finds the
        // x3 only.
        var labels = new[]
        {
            Spike("10.0.0.1", 0, "x3", 1e-10), Spike("10.0.0.2", 0, "new", 1e-12),
            Spike("10.0.0.3", 0, "x10", 1e-9), Spike("10.0.0.4", 0, "x5", 1e-5),
        };
        var hosts = labels.Select(l => new ZooEvaluation.ZooHost(l.SrcIp, "a", "poisson", 0)).ToList();
        var f = ZooEvaluation.Score("m", [("10.0.0.1", 0L)], labels, hosts, 0, 3600, 3600);
        Assert.Equal((1, 2), f.RecallBySize[ZooEvaluation.Obvious]);
        Assert.EndsWith("| 1/2 = 0.50 |", ZooEvaluation.Markdown([f]).Split('\n')[2], StringComparison.Ordinal);
    }
}
