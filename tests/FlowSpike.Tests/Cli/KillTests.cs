using System.Diagnostics;
using FlowSpike.Synth;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Cli;

/// <summary>
/// kill -9 in the middle of detect, then the same command again, must give the same lookup and alerts as an
/// uninterrupted run: no window lost, none closed twice, no alert missing or doubled.
/// </summary>
public class KillTests
{
    [Fact]
    public void Killed_and_restarted_detect_equals_an_uninterrupted_run()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        string from = Time.TimeRange.Format(SynthData.From), mid = Time.TimeRange.Format(SynthData.BaselineEnd), end =
            Time.TimeRange.Format(SynthData.End);
        using var dir = new TempDir();

        string[] Detect(string state, string alerts) =>
            ["detect", "--input", set.Logs, "--from", mid, "--to", end, "--state", state, "--out", alerts, "-q"];
        void Baseline(string state) =>
            Assert.Equal(0,
                Support.Cli.Run("baseline", "--input", set.Logs, "--from", from, "--to", mid, "--state", state, "-q")
                .ExitCode);

        string refState = dir.File("ref.db"), refAlerts = dir.File("ref.jsonl");
        Baseline(refState);
        Assert.Equal(0, Support.Cli.Run(Detect(refState, refAlerts)).ExitCode);

        string state = dir.File("killed.db"), alerts = dir.File("killed.jsonl");
        Baseline(state);
        var env = new Dictionary<string, string> { ["FLOWSPIKE_TEST_COMMIT_DELAY_MS"] = "40" };
        var rng = new Random(11);
        int kills = 0;
        for (int attempt = 0; attempt < 6; attempt++)
        {
            using var p = Process.Start(Support.Cli.StartInfo(Detect(state, alerts), env))!;
            p.StandardInput.Close();
            _ = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            _ = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            // Startup plus the scan take about a second; 72 windows at 40 ms take about 3 more.
            Thread.Sleep(rng.Next(900, 2500));
            if (p.HasExited)
                break;
            p.Kill(); // SIGKILL on Unix
            p.WaitForExit();
            kills++;
        }
        Assert.True(kills >= 2, $"expected to interrupt the run at least twice, did {kills}");
        var final = Support.Cli.Run(Detect(state, alerts));
        Assert.Equal(0, final.ExitCode);

        Assert.Equal(Support.Cli.Run("lookup", "export", "--state", refState).Stdout,
            Support.Cli.Run("lookup", "export", "--state", state).Stdout);
        var expected = File.ReadAllLines(refAlerts);
        var actual = File.ReadAllLines(alerts).Where(l => l.Length > 0).ToArray();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }
}
