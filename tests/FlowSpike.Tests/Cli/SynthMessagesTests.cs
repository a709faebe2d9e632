using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Cli;

/// <summary>`flowspike synth` refuses bad options by their flags, in one line, and writes nothing then.</summary>
public class SynthMessagesTests
{
    [Theory]
    [InlineData("--days 0", "--days must be at least 1")]
    [InlineData("--days 3", "--spike-from-day must be less than --days when spikes are injected")]
    [InlineData("--hosts 0", "--hosts must be between 1 and 200000")]
    [InlineData("--reject-share 2", "--reject-share must be between 0 and 1")]
    public void A_bad_option_is_named_by_its_flag(string options, string expected)
    {
        using var dir = new TempDir();
        string[] args = ["synth", "--out", dir.File("out"), .. options.Split(' ')];
        var outcome = Support.Cli.Run(args);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains(expected, outcome.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Parameter", outcome.Stderr, StringComparison.Ordinal);
        Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(dir.File("out/AWSLogs")));
    }

    [Fact]
    public void An_embedder_reads_the_property_name()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<FlowSpike.Synth.SynthOptionsException>(() =>
            FlowSpike.Synth.FlowSynth.Generate(new FlowSpike.Synth.SynthOptions { Days = 0 }, dir.File("out")));
        Assert.Equal("Days must be at least 1.", e.Message);
    }

    [Fact]
    public void No_spikes_on_a_short_set_is_not_refused()
    {
        using var dir = new TempDir();
        var outcome = Support.Cli.Run("synth", "--out", dir.File("out"), "--days", "3", "--hosts", "10", "--spikes",
            "0");
        Assert.Equal(0, outcome.ExitCode);
        Assert.NotEmpty(Directory.GetFiles(dir.File("out/AWSLogs"), "*.log.gz", SearchOption.AllDirectories));
    }
}
