using System.Text.RegularExpressions;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Cli;

/// <summary>
/// User mistakes and a normal run through the README's entry point, `./flowspike`, not the binary behind it: each
/// mistake exits non-zero with exactly one error line on stderr that names what was wrong, and a normal run's notes
/// and summary reach stderr. (A wrapper that loses stderr fails every one of these.) The wrapper's first-use build
/// runs once before the first of them (<see cref="Door"/>).
/// </summary>
public class DoorTests
{
    private const long T0 = 1_790_812_800; // 2026-10-01T00:00:00Z
    private const string From = "2026-10-01T00:00:00Z", To = "2026-10-01T03:00:00Z";

    private static Support.Cli.Outcome Door(params string[] args) => Support.Cli.RunWith(args, null, null, true);

    private static Support.Cli.Outcome DoorEnv(IDictionary<string, string> env, params string[] args) =>
        Support.Cli.RunWith(args, null, env, true);

    /// <summary>The one error line, after checking that the run failed with that code and without a stack
    /// trace.</summary>
    private static string OneError(Support.Cli.Outcome run, int exitCode)
    {
        Assert.NotNull(run);
        Assert.True(run.ExitCode == exitCode, $"exit {run.ExitCode}, expected {exitCode}; stderr: {run.Stderr}");
        var errors = run.Stderr.Split('\n').Where(l => l.StartsWith("flowspike: error: ", StringComparison.Ordinal))
            .ToList();
        Assert.True(errors.Count == 1, $"expected one error line on stderr, got: '{run.Stderr}'");
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        return errors[0];
    }

    /// <summary>Two hours of blocked outbound records from two hosts, in the default format with a header.</summary>
    private static string Logs(TempDir dir)
    {
        var lines = new FlowLines()
            .Add(T0 + 60, "10.0.0.5", "203.0.113.1", count: 4)
            .Add(T0 + 3600 + 60, "10.0.0.5", "203.0.113.2", count: 3)
            .Add(T0 + 120, "10.0.0.7", "203.0.113.3", count: 2)
            .Add(T0 + 7200 + 60, "10.0.0.7", "203.0.113.3", count: 2);
        return dir.Write("logs/a.log", lines.ToString());
    }

    private static string Baselined(TempDir dir, string entity = "src_ip")
    {
        Logs(dir);
        string state = dir.File($"{entity.Replace('+', '-')}.db");
        var run = Door("baseline", "--input", dir.File("logs"), "--from", From, "--to", To, "--state", state,
            "--entity", entity);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return state;
    }

    [Fact]
    public void An_unknown_flag_names_it_and_the_likely_one()
    {
        string error = OneError(Door("detect", "--inptu", "x"), 2);
        Assert.Contains("'--inptu'", error, StringComparison.Ordinal);
        Assert.Contains("--input", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_duration_names_the_flag_and_value()
    {
        using var dir = new TempDir();
        string error = OneError(Door("watch", "--input", dir.Path, "--lateness", "5x", "--state", dir.File("s.db")), 2);
        Assert.Contains("--lateness", error, StringComparison.Ordinal);
        Assert.Contains("'5x'", error, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("s.db")));
    }

    [Fact]
    public void Epoch_milliseconds_name_the_flag_and_value()
    {
        string error = OneError(Door("detect", "--input", "x", "--from", "1789000000000", "--to", "1789003600000"), 2);
        Assert.Contains("--from", error, StringComparison.Ordinal);
        Assert.Contains("1789000000000", error, StringComparison.Ordinal);
        Assert.Contains("milliseconds", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_input_is_named()
    {
        using var dir = new TempDir();
        string missing = dir.File("no-such-folder");
        string error = OneError(Door("baseline", "--input", missing, "--from", From, "--to", To,
            "--state", dir.File("s.db")), 1);
        Assert.Contains(missing, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("explain", "--src", "10.0.0.5")]
    [InlineData("report", "--out", "r.html")]
    [InlineData("lookup", "export", "--out", "l.csv")]
    public void A_read_only_command_names_a_missing_state_and_creates_none(params string[] words)
    {
        using var dir = new TempDir();
        string state = dir.File("missing.db");
        var args = words.Select(w => w.EndsWith(".html", StringComparison.Ordinal) || w.EndsWith(".csv",
            StringComparison.Ordinal) ? dir.File(w) : w).Concat(["--state", state]).ToArray();
        string error = OneError(Door(args), 1);
        Assert.Contains(state, error, StringComparison.Ordinal);
        Assert.False(File.Exists(state));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Explain_names_an_unknown_host()
    {
        using var dir = new TempDir();
        string state = Baselined(dir);
        string error = OneError(Door("explain", "--state", state, "--src", "10.9.9.9"), 1);
        Assert.Contains("--src", error, StringComparison.Ordinal);
        Assert.Contains("10.9.9.9", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_with_an_address_on_an_entity_state_finds_the_entity_or_says_none_has_it()
    {
        using var dir = new TempDir();
        string state = Baselined(dir, "account+vpc+src_ip");
        var found = Door("explain", "--state", state, "--src", "10.0.0.5");
        Assert.True(found.ExitCode == 0, found.Stderr);
        // The default format has no vpc-id: the entity is account/-/address.
        Assert.StartsWith("123456789012/-/10.0.0.5:", found.Stdout, StringComparison.Ordinal);
        Assert.Contains("123456789012/-/10.0.0.5", found.Stderr, StringComparison.Ordinal);
        string error = OneError(Door("explain", "--state", state, "--src", "10.0.0.6"), 1);
        Assert.Contains("account+vpc+src_ip", error, StringComparison.Ordinal);
        Assert.Contains("'10.0.0.6'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_model_for_a_state_names_both()
    {
        using var dir = new TempDir();
        string state = Baselined(dir);
        string error = OneError(Door("detect", "--input", dir.File("logs"), "--from", To, "--to",
            "2026-10-01T04:00:00Z", "--state", state, "--model", "recommended"), 1);
        Assert.Contains("'splunk'", error, StringComparison.Ordinal);
        Assert.Contains("'recommended'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_flow_log_is_named_with_the_flag_that_skips_it()
    {
        using var dir = new TempDir();
        string csv = dir.Write("in/hosts.csv", "host,owner,team\nweb-1,alice,payments\n");
        string error = OneError(Door("baseline", "--input", dir.File("in"), "--from", From, "--to", To,
            "--state", dir.File("s.db")), 1);
        Assert.Contains(csv, error, StringComparison.Ordinal);
        Assert.Contains("not a flow log", error, StringComparison.Ordinal);
        Assert.Contains("--skip-unsupported", error, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("s.db")));
    }

    [Fact]
    public void A_header_only_file_is_named_as_such()
    {
        using var dir = new TempDir();
        string file = dir.Write("h.log", FlowLines.Header + "\n");
        string error = OneError(Door("baseline", "--input", file, "--from", From, "--to", To,
            "--state", dir.File("s.db")), 1);
        Assert.Contains(file, error, StringComparison.Ordinal);
        Assert.Contains("header", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_future_to_is_refused_naming_it()
    {
        using var dir = new TempDir();
        string to = DateTimeOffset.UtcNow.AddYears(2).ToString("yyyy-MM-dd'T'HH:00:00'Z'",
            System.Globalization.CultureInfo.InvariantCulture);
        string error = OneError(Door("detect", "--input", Logs(dir), "--from", From, "--to", to,
            "--state", dir.File("s.db")), 1);
        Assert.Contains("--to " + to, error, StringComparison.Ordinal);
        Assert.Contains("future", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_config_key_is_named()
    {
        using var dir = new TempDir();
        string config = dir.Write("c.json", "{\"internall\": [\"10.0.0.0/8\"]}");
        string error = OneError(Door("baseline", "--config", config, "--input", Logs(dir), "--from", From,
            "--to", To, "--state", dir.File("s.db")), 1);
        Assert.Contains(config, error, StringComparison.Ordinal);
        Assert.Contains("\"internall\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_endpoint_is_named_with_the_reason()
    {
        using var dir = new TempDir();
        var env = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
            ["AWS_REGION"] = "us-east-1",
        };
        // Port 1 on loopback: nothing listens there.
        string error = OneError(DoorEnv(env, "baseline", "--input", "s3://flow-logs/AWSLogs/", "--endpoint-url",
            "http://127.0.0.1:1", "--from", From, "--to", To, "--state", dir.File("s.db")), 1);
        Assert.Contains("s3://flow-logs/AWSLogs/", error, StringComparison.Ordinal);
        Assert.Contains("refused", error, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(dir.File("s.db")));
    }

    [Theory]
    [InlineData("s3://bucket/logs/", "--endpoint-url", "127.0.0.1:9000", null)]
    [InlineData("cwl://group", "--endpoint-url", "notaurl", null)]
    [InlineData("s3://bucket/logs/", null, "localhost:9000", "AWS_ENDPOINT_URL")]
    [InlineData("cwl://group", null, "notaurl", "AWS_ENDPOINT_URL_LOGS")]
    public void An_endpoint_that_is_not_a_url_is_named_where_it_was_given(string input, string? flag, string url,
        string? variable)
    {
        using var dir = new TempDir();
        var env = new Dictionary<string, string> { ["AWS_REGION"] = "us-east-1" };
        if (variable is not null)
            env[variable] = url;
        string[] args = ["detect", "--input", input, "--from", From, "--to", To, "--state", dir.File("s.db")];
        if (flag is not null)
            args = [.. args, flag, url];
        string error = OneError(DoorEnv(env, args), 1);
        Assert.Contains($"{flag ?? variable}: '{url}' is not an endpoint URL", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_of_another_kind_beside_flow_logs_is_named_or_skipped()
    {
        using var dir = new TempDir();
        string logs = Logs(dir);
        string other = dir.Write("other/settings.json", """{"retries":3,"hosts":["a","b"]}""");
        string error = OneError(Door("baseline", "--input", other, "--input", logs, "--from", From, "--to", To,
            "--state", dir.File("s.db")), 1);
        Assert.Contains(other + ": not a flow log", error, StringComparison.Ordinal);
        Assert.Contains("--skip-unsupported", error, StringComparison.Ordinal);
        var skipped = Door("baseline", "--input", other, "--input", logs, "--from", From, "--to", To,
            "--state", dir.File("s.db"), "--skip-unsupported");
        Assert.True(skipped.ExitCode == 0, skipped.Stderr);
        Assert.Contains("1 object(s) skipped as not flow logs (--skip-unsupported): another format: 1",
            skipped.Stderr, StringComparison.Ordinal);
        Assert.Contains("11 blocked outbound record(s) counted", skipped.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_splunk_lookup_is_refused_by_a_state_keyed_by_entity_and_changes_nothing()
    {
        using var dir = new TempDir();
        string state = Baselined(dir, "account+vpc+src_ip");
        var before = Door("lookup", "export", "--state", state, "--out", dir.File("before.csv"));
        Assert.True(before.ExitCode == 0, before.Stderr);
        string csv = dir.Write("splunk.csv", "src_ip,latestCount,numDataPoints,avgBlockedConnections," +
            "stdevBlockedConnections\n10.0.0.5,3,2,3.5,0.7\n");
        string error = OneError(Door("lookup", "import", "--state", state, csv), 1);
        Assert.Contains($"{csv}: line 2: src_ip '10.0.0.5' is a plain address", error, StringComparison.Ordinal);
        Assert.Contains("keyed by account+vpc+src_ip", error, StringComparison.Ordinal);
        var after = Door("lookup", "export", "--state", state, "--out", dir.File("after.csv"));
        Assert.True(after.ExitCode == 0, after.Stderr);
        Assert.Equal(File.ReadAllText(dir.File("before.csv")), File.ReadAllText(dir.File("after.csv")));
    }

    [Fact]
    public void A_state_inside_the_input_folder_is_refused_before_it_is_created()
    {
        using var dir = new TempDir();
        Logs(dir);
        string state = dir.File("logs/flowspike.db");
        string error = OneError(Door("baseline", "--input", dir.File("logs"), "--from", From, "--to", To,
            "--state", state), 1);
        Assert.Contains($"--state: '{state}' is inside the input folder", error, StringComparison.Ordinal);
        Assert.False(File.Exists(state));
    }

    [Fact]
    public void Demo_never_deletes_a_folder_holding_files_it_did_not_write()
    {
        using var dir = new TempDir();
        string mine = dir.Write("precious/notes.txt", "keep me");
        string error = OneError(Door("demo", "--dir", dir.File("precious")), 1);
        Assert.Contains("notes.txt", error, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(mine));
    }

    [Fact]
    public void A_normal_run_shows_its_notes_and_summary_on_stderr()
    {
        using var dir = new TempDir();
        Logs(dir);
        var run = Door("baseline", "--input", dir.File("logs"), "--from", From, "--to", To,
            "--state", dir.File("s.db"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        // 4 + 3 + 2 records in range (the 2 at 02:01 too): counted by hand from Logs.
        Assert.Matches(new Regex(@"^flowspike: scanned 1 file\(s\), .*; 11 blocked outbound record\(s\) counted$",
            RegexOptions.Multiline), run.Stderr);
        Assert.Matches(new Regex(@"^flowspike: baseline: 2 hosts ", RegexOptions.Multiline), run.Stderr);
    }
}
