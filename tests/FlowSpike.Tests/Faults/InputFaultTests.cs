using FlowSpike.Tests.Support;
using static FlowSpike.Tests.Faults.FaultData;

namespace FlowSpike.Tests.Faults;

/// <summary>
/// The mistakes users make with inputs and ranges, each run through the CLI: the run fails with one line naming the
/// input or value, and the state (every row of every table) is what it was before.
/// </summary>
public class InputFaultTests
{
    private static readonly string DetectFrom = Iso(H(24)), DetectTo = Iso(H(30));

    private static Support.Cli.Outcome Detect(string input, string state, string alerts, params string[] more) =>
        Support.Cli.RunWith(
            ["detect", "--input", input, "--from", DetectFrom, "--to", DetectTo, "--state", state, "--out", alerts,
                "-q", .. more]);


    [Fact]
    public void detect_over_an_empty_folder_fails_and_the_state_is_unchanged()
    {
        using var dir = new TempDir();
        string state = BaselineState(dir);
        string before = Dump(state);
        Directory.CreateDirectory(dir.File("empty"));

        var r = Detect(dir.File("empty"), state, dir.File("alerts.jsonl"));

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("no input files found", OneError(r), StringComparison.Ordinal);
        Assert.Equal(before, Dump(state));
        Assert.False(File.Exists(dir.File("alerts.jsonl")) && new FileInfo(dir.File("alerts.jsonl")).Length > 0);
    }

    [Fact]
    public void detect_over_text_that_is_no_flow_log_fails_naming_the_file()
    {
        using var dir = new TempDir();
        string state = BaselineState(dir);
        string before = Dump(state);
        string notes = dir.Write("notes/readme.txt", "these are my notes\nnothing to see here\n");

        var r = Detect(dir.File("notes"), state, dir.File("alerts.jsonl"));

        Assert.Equal(1, r.ExitCode);
        string error = OneError(r);
        Assert.Contains(notes, error, StringComparison.Ordinal);
        Assert.Contains("no line has the 14 space-separated fields of the default format (the first line has 4)",
            error, StringComparison.Ordinal);
        Assert.Equal(before, Dump(state));
    }

    [Fact]
    public void A_baseline_that_selects_nothing_commits_nothing_unless_asked()
    {
        using var dir = new TempDir();
        const long t0 = 1_790_812_800;
        // Records in range, none blocked outbound from an internal host: all ACCEPT, and REJECTs read with a
        // --log-format that swaps the addresses (every source is then 8.8.8.8, outside --internal).
        string accepts = dir.Write("accept.log", new FlowLines().Add(t0, "10.0.0.1", "8.8.8.8", "ACCEPT", count: 9)
            .ToString());
        string rejects = dir.Write("cwl.log", new FlowLines(header: false).Add(t0, "10.0.0.1", "8.8.8.8", count: 9)
            .ToString());
        string swapped = "${version} ${account-id} ${interface-id} ${dstaddr} ${srcaddr} ${srcport} ${dstport} " +
            "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}";
        string[] range =
            ["--from", "2026-10-01T00:00:00Z", "--to", "2026-10-01T03:00:00Z", "--state", dir.File("s.db")];
        string[][] inputs = [["--input", accepts], ["--input", rejects, "--log-format", swapped]];
        foreach (string[] input in inputs)
        {
            var r = Support.Cli.Run(["baseline", .. input, .. range]);
            Assert.Equal(1, r.ExitCode);
            string error = OneError(r);
            Assert.Contains("no blocked outbound records from internal hosts in 2026-10-01T00:00:00Z .. " +
                "2026-10-01T03:00:00Z (9 flow-log record(s) read, 9 in the range); nothing was committed", error,
                StringComparison.Ordinal);
            Assert.Contains("--internal", error, StringComparison.Ordinal);
            Assert.Contains("--allow-empty-baseline", error, StringComparison.Ordinal);
            Assert.False(File.Exists(dir.File("s.db")));
        }

        var allowed = Support.Cli.Run(["baseline", "--input", accepts, .. range, "--allow-empty-baseline"]);
        Assert.True(allowed.ExitCode == 0, allowed.Stderr);
        Assert.Contains("the baseline is empty", allowed.Stderr, StringComparison.Ordinal);
        var export = Support.Cli.Run("lookup", "export", "--state", dir.File("s.db"));
        Assert.Equal("src_ip,latestCount,numDataPoints,avgBlockedConnections,stdevBlockedConnections",
            export.Stdout.Trim());
    }

    [Fact]
    public void A_file_of_only_a_header_line_is_named_as_such()
    {
        using var dir = new TempDir();
        string state = BaselineState(dir);
        string before = Dump(state);
        string header = dir.Write("hdr/only-header.log", FlowLines.Header + "\r\n");

        var r = Detect(header, state, dir.File("alerts.jsonl"));

        Assert.Equal(1, r.ExitCode);
        string error = OneError(r);
        Assert.Contains(header, error, StringComparison.Ordinal);
        Assert.Contains("it holds only a header line, no records", error, StringComparison.Ordinal);
        Assert.DoesNotContain("the first line has", error, StringComparison.Ordinal);
        Assert.Equal(before, Dump(state));
    }

    [Fact]
    public void cloudwatch_events_whose_message_is_ocsf_json_are_read_as_their_records()
    {
        // Once a clear error, now read (issue 17): the OCSF events of parseToOCSF give the alerts of their text twin.
        using var dir = new TempDir();
        string textLogs = WriteHours(dir.File("text"), 24, 30, spikeHour: 27);
        var events = new List<string>();
        foreach (string path in Directory.GetFiles(textLogs).Order(StringComparer.Ordinal))
        {
            var records = File.ReadAllLines(path).Where(l => !l.StartsWith("version", StringComparison.Ordinal));
            foreach (string line in records)
            {
                string[] f = line.Split(' '); // the default format: version account-id interface-id srcaddr dstaddr ...
                long ms = long.Parse(f[10], System.Globalization.CultureInfo.InvariantCulture) * 1000;
                bool reject = f[12] == "REJECT";
                string ocsf = System.Text.Json.JsonSerializer.Serialize(new
                {
                    class_uid = 4001,
                    activity_id = 6,
                    cloud = new { account = new { uid = f[1] } },
                    src_endpoint = new { ip = f[3], interface_uid = f[2] },
                    dst_endpoint = new { ip = f[4] },
                    time = ms,
                    disposition_id = reject ? 2 : 1,
                });
                events.Add(System.Text.Json.JsonSerializer.Serialize(
                    new { logStreamName = "s", timestamp = ms, message = ocsf, eventId = events.Count.ToString() }));
            }
        }
        dir.Write("cw/events.json", "{\"events\":[" + string.Join(",", events) + "]}");

        var fromText = Detect(textLogs, BaselineState(dir, "text.db"), dir.File("text.jsonl"));
        var fromOcsf = Detect(dir.File("cw"), BaselineState(dir, "ocsf.db"), dir.File("ocsf.jsonl"));

        Assert.True(fromText.ExitCode == 0, fromText.Stderr);
        Assert.True(fromOcsf.ExitCode == 0, fromOcsf.Stderr);
        Assert.DoesNotContain("malformed", fromOcsf.Stderr, StringComparison.Ordinal);
        Assert.Single(File.ReadAllLines(dir.File("text.jsonl")));
        Assert.Equal(File.ReadAllText(dir.File("text.jsonl")), File.ReadAllText(dir.File("ocsf.jsonl")));
    }

    [Fact]
    public void a_csv_among_flow_logs_is_named_as_a_csv_and_nothing_is_committed()
    {
        using var dir = new TempDir();
        string state = BaselineState(dir);
        string before = Dump(state);
        string logs = WriteHours(dir.File("logs"), 24, 30);
        string csv = dir.Write("logs/export.csv",
            "srcaddr,dstaddr,start,action\n10.0.0.1,203.0.113.9,1790899200,REJECT\n");

        var r = Detect(logs, state, dir.File("alerts.jsonl"));

        Assert.Equal(1, r.ExitCode);
        string error = OneError(r);
        Assert.Contains(csv, error, StringComparison.Ordinal);
        Assert.Contains("looks like a CSV", error, StringComparison.Ordinal);
        Assert.Equal(before, Dump(state));
    }

    /// <summary>
    /// Hours 26 and 27 have no file at all (a delivery gap); hour 25 has only accepted traffic, which is data. Both
    /// tokenizer paths (scalar and vectorised) count presence.
    /// </summary>
    [Theory]
    [InlineData("scalar")]
    [InlineData("256")]
    public void windows_with_no_records_are_not_committed_and_a_later_run_with_the_data_applies_them(string simd)
    {
        using var dir = new TempDir();
        string state = BaselineState(dir);
        string logs = WriteHours(dir.File("logs"), 24, 30, spikeHour: 29, skip: [25, 26, 27]);
        File.WriteAllText(Path.Combine(logs, "h025.log"), AcceptOnly(25));
        var env = new Dictionary<string, string> { ["FLOWSPIKE_SIMD"] = simd };
        string[] args =
            ["detect", "--input", logs, "--from", DetectFrom, "--to", DetectTo, "--state", state,
                "--out", dir.File("a.jsonl"), "-q"];

        var r = Support.Cli.RunWith(args, env: env);

        Assert.Equal(1, r.ExitCode);
        string error = OneError(r);
        Assert.Contains("2 window(s) of 3600s had no flow-log records at all: " +
            "2026-10-02T02:00:00Z, 2026-10-02T03:00:00Z",
            error, StringComparison.Ordinal);
        Assert.Contains("--allow-empty-windows", error, StringComparison.Ordinal);
        // The windows before the gap commit, the accept-only one included; nothing from the gap on.
        Assert.Equal(["2026-10-02T00:00:00Z", "2026-10-02T01:00:00Z"], Closed(state));
        Assert.Empty(Pipeline.ReadAlerts(dir.File("a.jsonl")));

        // The late files arrive: the same command applies the rest, and the result is a straight run's.
        WriteHours(logs, 26, 28);
        r = Support.Cli.RunWith(args, env: env);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(6, Closed(state).Count);

        string reference = BaselineState(dir, "ref.db");
        string refLogs = WriteHours(dir.File("ref-logs"), 24, 30, spikeHour: 29, skip: [25]);
        File.WriteAllText(Path.Combine(refLogs, "h025.log"), AcceptOnly(25));
        var rr = Support.Cli.Run("detect", "--input", refLogs, "--from", DetectFrom, "--to", DetectTo,
            "--state", reference, "--out", dir.File("ref.jsonl"), "-q");
        Assert.True(rr.ExitCode == 0, rr.Stderr);
        Assert.Equal(Lookup(reference), Lookup(state));
        static List<string> Keys(string file) => [.. Pipeline.ReadAlerts(file)
            .Select(a => a.GetProperty("src_ip").GetString() + "@" + a.GetProperty("window_start").GetString())];
        var alerts = Keys(dir.File("a.jsonl"));
        Assert.Equal(Keys(dir.File("ref.jsonl")), alerts);
        Assert.Single(alerts);
    }

    [Fact]
    public void allow_empty_windows_commits_the_silence()
    {
        using var dir = new TempDir();
        string state = BaselineState(dir);
        string logs = WriteHours(dir.File("logs"), 24, 30, spikeHour: 29, skip: [26, 27]);

        var r = Detect(logs, state, dir.File("a.jsonl"), "--allow-empty-windows");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(6, Closed(state).Count);
        Assert.Single(Pipeline.ReadAlerts(dir.File("a.jsonl")));
    }

    [Fact]
    public void a_baseline_with_no_matching_records_fails_and_keeps_the_lookup()
    {
        using var dir = new TempDir();
        string state = BaselineState(dir);
        string before = Dump(state);
        Assert.Equal("3", Scalar(state, "SELECT count(*) FROM lookup"));

        // The month typed wrong: the logs are of October, the range is September.
        var r = Support.Cli.Run("baseline", "--input", dir.File("baseline-logs"), "--from", "2026-09-01T00:00:00Z",
            "--to", "2026-09-02T00:00:00Z", "--state", state, "-q");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("no blocked outbound records from internal hosts in " +
            "2026-09-01T00:00:00Z .. 2026-09-02T00:00:00Z",

            OneError(r), StringComparison.Ordinal);
        Assert.Equal(before, Dump(state));
    }

    [Fact]
    public void a_to_later_than_now_is_refused()
    {
        using var dir = new TempDir();
        string state = BaselineState(dir);
        string before = Dump(state);
        long next = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 3600 + 3) * 3600;
        string logs = WriteHours(dir.File("logs"), 24, 30);

        var r = Support.Cli.Run("detect", "--input", logs, "--from", DetectFrom, "--to", Iso(next), "--state", state,
            "-q");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"--to {Iso(next)} is in the future", OneError(r), StringComparison.Ordinal);
        Assert.Equal(before, Dump(state));
    }

    /// <summary>The window still running now: its records so far would commit, and the rest be skipped as late.
    /// </summary>
    [Fact]
    public void a_to_ending_the_current_window_is_refused()
    {
        using var dir = new TempDir();
        string state = BaselineState(dir);
        string before = Dump(state);
        long end = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 3600 + 1) * 3600;
        string logs = WriteHours(dir.File("logs"), 24, 30);

        var r = Support.Cli.Run("detect", "--input", logs, "--from", DetectFrom, "--to", Iso(end), "--state", state,
            "-q");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"--to {Iso(end)} is in the future", OneError(r), StringComparison.Ordinal);
        Assert.Equal(before, Dump(state));
    }

    [Fact]
    public void a_detect_window_unlike_the_baseline_span_is_refused()
    {
        using var dir = new TempDir();
        string state = BaselineState(dir);
        string before = Dump(state);
        string logs = WriteHours(dir.File("logs"), 24, 30);

        var r = Detect(logs, state, dir.File("a.jsonl"), "--window", "2h");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--window 7200s differs from the state's baseline span of 3600s",
            OneError(r), StringComparison.Ordinal);
        Assert.Equal(before, Dump(state));
    }

    [Theory]
    [InlineData("--from", "1790899200000", "1790899200")]
    [InlineData("--to", "1790920800000", "1790920800")]
    public void epoch_milliseconds_are_a_one_line_error(string option, string value, string seconds)
    {
        using var dir = new TempDir();
        string logs = WriteHours(dir.File("logs"), 24, 30);
        var args = new List<string>
        {
            "detect", "--input", logs, "--from", DetectFrom, "--to", DetectTo, "--state", dir.File("s.db"),
        };
        args[args.IndexOf(option) + 1] = value;

        var r = Support.Cli.RunWith(args);

        Assert.NotEqual(0, r.ExitCode);
        // One error line; a usage error adds only the --help hint after it.
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains($"{option}: '{value}' looks like epoch milliseconds; give epoch seconds ({seconds})",
            lines[0], StringComparison.Ordinal);
        Assert.Equal("Try 'flowspike detect --help' for the options.", lines[1]);
        Assert.False(File.Exists(dir.File("s.db")));
    }

    [Fact]
    public void a_symlink_to_a_subfolder_counts_each_file_once_and_loops_do_not_hang()
    {
        using var dir = new TempDir();
        string state = BaselineState(dir);
        string reference = BaselineState(dir, "ref.db");
        string logs = dir.File("logs");
        WriteHours(Path.Combine(logs, "sub"), 24, 30, spikeHour: 29);
        var plain = Detect(logs, reference, dir.File("ref.jsonl"));
        Assert.True(plain.ExitCode == 0, plain.Stderr);

        Directory.CreateSymbolicLink(Path.Combine(logs, "again"), Path.Combine(logs, "sub"));
        Directory.CreateSymbolicLink(Path.Combine(logs, "sub", "up"), logs);
        File.CreateSymbolicLink(Path.Combine(logs, "gone.log"), Path.Combine(logs, "nothing-here.log"));
        var r = Detect(logs, state, dir.File("a.jsonl"));

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("gone.log: a symbolic link to a missing target; skipped", r.Stderr, StringComparison.Ordinal);
        var loop = r.Stderr.Split('\n')
            .Single(l => l.Contains("/up: a symbolic link back to ", StringComparison.Ordinal));
        Assert.EndsWith("a folder it is in (a loop); skipped", loop.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(Lookup(reference), Lookup(state));
        Assert.Equal(File.ReadAllText(dir.File("ref.jsonl")), File.ReadAllText(dir.File("a.jsonl")));
        Assert.Single(Pipeline.ReadAlerts(dir.File("a.jsonl")));
    }
}
