using FlowSpike.Jobs;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Faults;

/// <summary>
/// Where the alerts go must not be where the flow logs are: an --out that is an input (however spelled, or a hard
/// link to it) or lies inside an input folder is refused before anything is written. A run that fails on its input
/// leaves no alert file behind.
/// </summary>
public class OutputPathTests
{
    private const long T0 = 1_790_812_800;

    private static JobSettings Detect(string input, string output, string state) => new()
    {
        Inputs = [input],
        Output = output,
        State = state,
        From = T0,
        To = T0 + 3600,
    };

    [Fact]
    public void An_output_that_is_an_input_or_inside_an_input_folder_is_refused()
    {
        using var dir = new TempDir();
        string logs = Path.Combine(dir.Path, "logs");
        Directory.CreateDirectory(logs);
        string flows = Path.Combine(logs, "flows.log");
        string text = new FlowLines().Add(T0, "10.0.0.1", "8.8.8.8").ToString();
        File.WriteAllText(flows, text);
        File.CreateSymbolicLink(dir.File("link.log"), flows);
        Support.Shell.Run("ln", flows, dir.File("hard.log"));
        string state = dir.File("s.db");

        var cases = new (string Input, string Output, string Why)[]
        {
            (flows, flows, "is the input"),
            (flows, Path.Combine(logs, ".", "..", "logs", "flows.log"), "is the input"),
            (flows, dir.File("link.log"), "is the input"),
            (flows, dir.File("hard.log"), "is the input"),
            (dir.File("link.log"), flows, "is the input"),
            (logs, Path.Combine(logs, "alerts.jsonl"), "inside the input folder"),
            (logs, Path.Combine(logs, "new", "alerts.jsonl"), "inside the input folder"),
        };
        foreach (var (input, output, why) in cases)
        {
            var e = Assert.Throws<RunException>(() => DetectJob.Resolve(Detect(input, output, state)));
            Assert.Contains(why, e.Message, StringComparison.Ordinal);
            Assert.Contains(output, e.Message, StringComparison.Ordinal);
            Assert.StartsWith("Output:", Setting.Render(e.Message), StringComparison.Ordinal);
            Assert.Throws<RunException>(() => WatchJob.Resolve(Detect(input, output, state) with
            {
                From = null,
                To = null,
            }));
        }
        Assert.Equal(text, File.ReadAllText(flows));
        Assert.False(File.Exists(Path.Combine(logs, "alerts.jsonl")));
        Assert.False(File.Exists(state));

        // A sibling whose name starts like the input folder's is not inside it.
        Directory.CreateDirectory(logs + "2");
        var job = DetectJob.Resolve(Detect(logs, Path.Combine(logs + "2", "alerts.jsonl"), state));
        Assert.Equal(logs, Assert.Single(job.Input.Inputs));
    }

    [Fact]
    public void The_cli_names_the_out_flag_and_leaves_the_flow_log_as_it_was()
    {
        using var dir = new TempDir();
        string flows = dir.Write("flows.log", new FlowLines().Add(T0, "10.0.0.1", "8.8.8.8").ToString());
        byte[] before = File.ReadAllBytes(flows);
        var r = Support.Cli.Run("detect", "--input", flows, "--out", flows, "--from", "2026-10-01T00:00:00Z",
            "--to", "2026-10-01T01:00:00Z", "--state", dir.File("s.db"));
        Assert.Equal(1, r.ExitCode);
        string error = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("flowspike: error: --out: ", error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(flows));
        Assert.Equal(["flows.log"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_detect_that_fails_on_its_input_creates_no_alert_file()
    {
        using var dir = new TempDir();
        string logs = Path.Combine(dir.Path, "logs");
        Directory.CreateDirectory(logs);
        // A gzip cut short: an error naming it, before any window is closed.
        File.WriteAllBytes(Path.Combine(logs, "cut.log.gz"), [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]);
        string alerts = dir.File("alerts.jsonl");
        var r = Support.Cli.Run("detect", "--input", logs, "--out", alerts, "--from", "2026-10-01T00:00:00Z",
            "--to", "2026-10-01T01:00:00Z", "--state", dir.File("s.db"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("cut.log.gz", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(alerts));
        Assert.False(File.Exists(dir.File("s.db")));
    }
}
