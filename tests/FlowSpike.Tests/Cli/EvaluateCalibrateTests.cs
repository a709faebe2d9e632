namespace FlowSpike.Tests.Cli;

/// <summary>`flowspike evaluate --calibrate` builds its own zoos and needs no --input; a comparison does.</summary>
public class EvaluateCalibrateTests
{
    [Fact]
    public void Calibrate_runs_without_input()
    {
        var r = Support.Cli.Run("evaluate", "--calibrate", "1");
        Assert.Equal(0, r.ExitCode);
        // One row per behaviour but new-beaconing, at each of the two nominal tails.
        Assert.Contains("| 0.0001 | poisson | ", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("| 0.001 | bursty | ", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("new-beaconing", r.Stdout, StringComparison.Ordinal);
        // The planted-burst scenario beside it: 4 behaviours × 1 or 2 bursts × 10 hosts.
        Assert.Contains("| all | 1 or 2 | 80 |", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_comparison_without_input_names_it()
    {
        var r = Support.Cli.Run("evaluate", "--labels", "labels.csv");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--input", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
    }
}
