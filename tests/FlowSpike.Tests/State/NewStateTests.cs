using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.State;

/// <summary>
/// A first run that fails leaves no state behind: the state file, its WAL files and its lock file are removed when
/// the run that created them changed nothing. A state that existed is kept as it was.
/// </summary>
public class NewStateTests
{
    private static readonly string[] Range = ["--from", "2026-10-01T00:00:00Z", "--to", "2026-10-02T00:00:00Z"];

    private static string[] StateFiles(TempDir dir) =>
        [.. Directory.GetFiles(dir.Path, "s.db*").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    [Theory]
    [InlineData("prose")]
    [InlineData("missing")]
    [InlineData("future")]
    [InlineData("empty-folder")]
    public void A_failed_first_baseline_creates_no_state(string mistake)
    {
        using var dir = new TempDir();
        string input = mistake switch
        {
            "prose" => dir.Write("notes.txt", "These are meeting notes.\nNothing here is a flow log.\n"),
            "empty-folder" => Directory.CreateDirectory(dir.File("empty")).FullName,
            _ => dir.File("nowhere"),
        };
        string[] range = mistake == "future"
            ? ["--from", "2026-10-01T00:00:00Z", "--to", "2099-01-01T00:00:00Z"]
            : Range;
        if (mistake == "future")
            input = dir.Write("one.log", "2 123456789012 eni-1 10.0.0.1 8.8.8.8 1 2 6 1 40 1790812800 1790812860 " +
                "REJECT OK\n");
        string[] args = ["baseline", "--input", input, "--state", dir.File("s.db"), .. range];
        var outcome = Support.Cli.Run(args);
        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains("error", outcome.Stderr, StringComparison.Ordinal);
        Assert.Empty(StateFiles(dir));
    }

    [Fact]
    public void A_failed_baseline_keeps_the_state_it_did_not_create()
    {
        using var dir = new TempDir();
        string log = dir.Write("one.log", "2 123456789012 eni-1 10.0.0.1 8.8.8.8 1 2 6 1 40 1790812800 1790812860 " +
            "REJECT OK\n");
        string[] args = ["baseline", "--input", log, "--state", dir.File("s.db"), .. Range];
        var first = Support.Cli.Run(args);
        Assert.Equal(0, first.ExitCode);
        byte[] before = File.ReadAllBytes(dir.File("s.db"));
        string[] again = ["baseline", "--input", dir.File("nowhere"), "--state", dir.File("s.db"), .. Range];
        var failed = Support.Cli.Run(again);
        Assert.NotEqual(0, failed.ExitCode);
        Assert.True(File.Exists(dir.File("s.db")));
        Assert.Equal(before, File.ReadAllBytes(dir.File("s.db")));
        var export = Support.Cli.Run("lookup", "export", "--state", dir.File("s.db"));
        Assert.Equal(0, export.ExitCode);
        Assert.Contains("10.0.0.1,1,1,1,", export.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_of_another_model_names_the_model_to_ask_for_and_stays_as_it_was()
    {
        using var dir = new TempDir();
        string log = dir.Write("one.log", "2 123456789012 eni-1 10.0.0.1 8.8.8.8 1 2 6 1 40 1790812800 1790812860 " +
            "REJECT OK\n");
        var first = Support.Cli.Run(
            ["baseline", "--model", "recommended", "--input", log, "--state", dir.File("s.db"), .. Range]);
        Assert.Equal(0, first.ExitCode);
        byte[] before = File.ReadAllBytes(dir.File("s.db"));
        // No --model: the default is splunk, which this state was not built with.
        var detect = Support.Cli.Run(["detect", "--input", log, "--state", dir.File("s.db"), .. Range]);
        Assert.Equal(1, detect.ExitCode);
        Assert.Contains("built with model 'recommended', not 'splunk'; ask for model 'recommended'", detect.Stderr,
            StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", detect.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(dir.File("s.db")));
    }
}
