using FlowSpike.State;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Cli;

/// <summary>The executable's contract: exit codes, one-line errors that name the option or file, stdout/stderr
/// split.</summary>
public class CliTests
{
    private const long T0 = 1_790_812_800;

    [Fact]
    public void Help_lists_the_commands()
    {
        var r = Support.Cli.Run("--help");
        Assert.Equal(0, r.ExitCode);
        foreach (string c in new[] { "baseline", "detect", "lookup", "demo", "synth" })
            Assert.Contains(c, r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_demo_finds_every_injected_spike_with_both_models()
    {
        using var dir = new TempDir();
        var r = Support.Cli.Run("demo", "--dir", dir.File("demo"));
        Assert.Equal(0, r.ExitCode);
        var summaries =
            r.Stdout.Split('\n').Where(l => l.Contains("injected spikes found", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, summaries.Count);
        Assert.All(summaries, l => Assert.Contains("4 of 4 injected spikes found", l, StringComparison.Ordinal));
        Assert.StartsWith("With --model recommended", summaries[1], StringComparison.Ordinal);
        Assert.True(File.Exists(dir.File("demo/report.html")));
    }

    [Fact]
    public void Misaligned_from_is_a_one_line_error_and_no_state_is_created()
    {
        using var dir = new TempDir();
        string input = dir.Write("f.log", new FlowLines().Add(T0, "10.0.0.1", "8.8.8.8").ToString());
        string state = dir.File("s.db");
        var r = Support.Cli.Run("detect", "--input", input, "--from", "2026-10-01T00:30:00Z", "--to",
            "2026-10-01T02:00:00Z", "--state", state);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(
            "flowspike: error: --from 2026-10-01T00:30:00Z is not aligned to --window 3600s (nearest: "
            + "2026-10-01T00:00:00Z)", r.Stderr.Trim());
        Assert.False(File.Exists(state));
    }

    [Theory]
    [InlineData("--from", "yesterday", "--from: 'yesterday' is not a time")]
    [InlineData("--window", "an hour", "--window: 'an hour' is not a duration")]
    [InlineData("--internal", "10.0.0.1/8", "--internal: '10.0.0.1/8' has host bits set")]
    [InlineData("--log-format", "${version} ${nope}", "--log-format: log format names an unknown field 'nope'")]
    [InlineData("--deviation-threshold", "-1", "--deviation-threshold must be a finite number >= 0")]
    [InlineData("--min-count", "5",
        "--min-count is a rule of the recommended model; the splunk model is the ESCU search's, exactly")]
    [InlineData("--internal", "fd00::1/8", "--internal: 'fd00::1/8' has host bits set")]
    [InlineData("--entity", "vpc", "Argument 'vpc' not recognized")]
    public void Bad_option_values_name_the_option(string option, string value, string expected)
    {
        using var dir = new TempDir();
        string input = dir.Write("f.log", new FlowLines().Add(T0, "10.0.0.1", "8.8.8.8").ToString());
        var args =
            new List<string> { "detect", "--input", input, "--from", "2026-10-01T00:00:00Z", "--to",
                "2026-10-01T02:00:00Z", "--state", dir.File("s.db") };
        int i = args.IndexOf(option);
        if (i >= 0)
            args[i + 1] = value;
        else
            args.AddRange([option, value]);
        var r = Support.Cli.RunWith(args);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_input_is_named()
    {
        var r = Support.Cli.Run("baseline", "--from", "0", "--to", "3600");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--input", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreadable_input_is_one_line_naming_the_file()
    {
        using var dir = new TempDir();
        var r = Support.Cli.Run("baseline", "--input", dir.File("nope.log"), "--from", "0", "--to", "3600", "--state",
            dir.File("s.db"));
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"flowspike: error: {dir.File("nope.log")}: no such file or directory", r.Stderr.Trim());
    }

    [Fact]
    public void Standard_input_is_read_with_a_dash_and_malformed_lines_still_exit_zero()
    {
        using var dir = new TempDir();
        var lines = new FlowLines();
        for (int h = 0; h < 6; h++)
            lines.Add(T0 + h * 3600, "10.0.0.7", "8.8.8.8", count: 2 + h % 2);
        lines.Raw("garbage line"); // line 17: header + 15 records before it
        string state = dir.File("s.db");
        var r = Support.Cli.RunWith(
            ["baseline", "--input", "-", "--from", "2026-10-01T00:00:00Z", "--to", "2026-10-01T06:00:00Z", "--state",
                state], stdin: lines.ToString());
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("1 malformed line(s)", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("-:17: expected 14 fields, found 2", r.Stderr, StringComparison.Ordinal);
        var export = Support.Cli.Run("lookup", "export", "--state", state);
        Assert.Equal(0, export.ExitCode);
        // Buckets 2,3,2,3,2,3: mean 2.5, sample variance 1.5/5 = 0.3.
        Assert.Equal($"{LookupCsv.Header}\n10.0.0.7,3,6,2.5,{Math.Sqrt(0.3):R}\n", export.Stdout);
    }

    [Fact]
    public void A_bad_lookup_import_names_the_line_and_imports_nothing()
    {
        using var dir = new TempDir();
        string state = dir.File("s.db");
        string good =
            dir.Write("good.csv",
                "src_ip,numDataPoints,latestCount,avgBlockedConnections,stdevBlockedConnections\n10.0.0.1,6,3,5,1.5\n");
        Assert.Equal(0, Support.Cli.Run("lookup", "import", "--state", state, good).ExitCode);
        string bad =
            dir.Write("bad.csv",
                "src_ip,latestCount,numDataPoints,avgBlockedConnections,stdevBlockedConnections\n10.0.0.2,1,2,3,4\n"
                + "10.0.0.3,1,x,3,4\n");
        var r = Support.Cli.Run("lookup", "import", "--state", state, bad);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("bad.csv: line 3: numDataPoints 'x'", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("nothing was imported", r.Stderr, StringComparison.Ordinal);
        Assert.Equal($"{LookupCsv.Header}\n10.0.0.1,3,6,5,1.5\n",
            Support.Cli.Run("lookup", "export", "--state", state).Stdout);
    }

    [Fact]
    public void A_concurrent_run_on_the_same_state_is_refused()
    {
        using var dir = new TempDir();
        string state = dir.File("s.db");
        string input = dir.Write("f.log", new FlowLines().Add(T0, "10.0.0.1", "8.8.8.8").ToString());
        using var held = SqliteStateStore.Open(state);
        var r = Support.Cli.Run("baseline", "--input", input, "--from", "2026-10-01T00:00:00Z", "--to",
            "2026-10-01T01:00:00Z", "--state", state);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("in use by another flowspike process", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Allowlists_come_from_options_and_a_config_file()
    {
        using var dir = new TempDir();
        var lines = new FlowLines();
        int[] history = [4, 6, 5, 5, 7, 3];
        for (int h = 0; h < 6; h++)
        {
            lines.Add(T0 + h * 3600, "10.0.0.5", "198.51.100.1", count: history[h]);
            lines.Add(T0 + h * 3600, "10.0.0.6", "198.51.100.1", count: history[h]);
        }
        lines.Add(T0 + 6 * 3600, "10.0.0.5", "203.0.113.9", count: 20);
        lines.Add(T0 + 6 * 3600, "10.0.0.6", "203.0.113.9", count: 20);
        string input = dir.Write("f.log", lines.ToString());
        string config = dir.Write("c.json", "{ \"allow_dest\": [\"203.0.113.0/24\"] }");
        string Run(params string[] extra)
        {
            string state = dir.File(Guid.NewGuid().ToString("N") + ".db");
            Assert.Equal(0,
                Support.Cli.Run("baseline", "--input", input, "--from", "2026-10-01T00:00:00Z", "--to",
                    "2026-10-01T06:00:00Z", "--state", state, "-q").ExitCode);
            var r = Support.Cli.RunWith(
                ["detect", "--input", input, "--from", "2026-10-01T06:00:00Z", "--to", "2026-10-01T07:00:00Z",
                    "--state", state, "-q", .. extra]);
            Assert.Equal(0, r.ExitCode);
            return string.Join(",",
                r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("src_ip").GetString()));
        }
        Assert.Equal("10.0.0.5,10.0.0.6", Run());
        Assert.Equal("10.0.0.6", Run("--allow-src", "10.0.0.5/32"));
        Assert.Equal("", Run("--config", config));
        Assert.Equal("", Run("--allow-dest", "203.0.113.9/32", "--allow-dest", "198.51.100.0/24"));
        Assert.Equal("10.0.0.5,10.0.0.6", Run("--allow-dest", "198.51.100.0/24"));
    }

    [Fact]
    public async Task Watch_stops_gracefully_on_sigterm()
    {
        using var dir = new TempDir();
        string input = dir.File("incoming");
        Directory.CreateDirectory(input);
        var psi =
            Support.Cli.StartInfo(
                ["watch", "--input", input, "--state", dir.File("s.db"), "--from", "2026-10-01T00:00:00Z",
                    "--model", "recommended", "--poll-interval", "1s", "--listen", "none"]);
        using var p = System.Diagnostics.Process.Start(psi)!;
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await Task.Delay(1500, TestContext.Current.CancellationToken);
        using (var kill = System.Diagnostics.Process.Start("kill",
            ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            kill!.WaitForExit();
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(20)), "watch did not stop after SIGTERM");
        Assert.Equal(0, p.ExitCode);
        Assert.Contains("stopped; next window 2026-10-01T00:00:00Z", await stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_shows_on_a_terminal_and_stays_quiet_in_a_pipe()
    {
        var set = SynthData.Get(FlowSpike.Synth.SynthLayout.DefaultWithHeader);
        using var dir = new TempDir();
        string[] args =
            ["baseline", "--input", set.Logs, "--from", "2026-10-01T00:00:00Z", "--to", "2026-10-08T00:00:00Z",
                "--state", dir.File("s.db"), "--threads", "1"];
        var piped =
            Support.Cli.RunWith(args, env: new Dictionary<string, string> { ["FLOWSPIKE_TEST_COMMIT_DELAY_MS"] = "0" });
        Assert.Equal(0, piped.ExitCode);
        Assert.DoesNotContain("\r", piped.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("scanning ", piped.Stderr, StringComparison.Ordinal);

        // script(1) gives the command a terminal; slow the reads down enough for a few progress updates.
        string command = string.Join(' ', new[] { "dotnet", Support.Cli.Dll }.Concat(args).Select(a => "'" + a + "'"));
        var psi =
            new System.Diagnostics.ProcessStartInfo("script",
                ["-qec", command, "/dev/null"])
            { RedirectStandardOutput = true, UseShellExecute = false };
        psi.Environment["FLOWSPIKE_TEST_READ_DELAY_MS"] = "2";
        using var p = System.Diagnostics.Process.Start(psi)!;
        string screen = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        Assert.Matches("scanning \\d+/\\d+ files, \\d+/\\d+ MB, [0-9.]+ M records/s, ETA", screen);
    }
}
