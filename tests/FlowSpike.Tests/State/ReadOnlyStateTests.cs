using FlowSpike.State;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.State;

/// <summary>
/// explain, report and lookup export only read the state: they run beside a job that holds it (an unattended watch),
/// and they never write to it.
/// </summary>
public class ReadOnlyStateTests
{
    private const long T0 = 1_790_812_800;

    /// <summary>Two hosts over three hours: 10.0.0.1 blocks 1, 2 and 3 connections, 10.0.0.2 blocks 4 once.</summary>
    private static string Logs(TempDir dir)
    {
        var lines = new FlowLines();
        for (int hour = 0; hour < 3; hour++)
        {
            for (int i = 0; i <= hour; i++)
                lines.Add(T0 + hour * 3600 + i, "10.0.0.1", "203.0.113." + (i + 1));
        }
        for (int i = 0; i < 4; i++)
            lines.Add(T0 + 60 + i, "10.0.0.2", "198.51.100.9");
        return dir.Write("f.log", lines.ToString());
    }

    private static string Iso(long t) => DateTimeOffset.FromUnixTimeSeconds(t).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    [Fact]
    public void Read_only_commands_run_while_a_job_holds_the_state_and_change_nothing()
    {
        using var dir = new TempDir();
        string state = dir.File("s.db");
        var r = Support.Cli.Run("baseline", "--input", Logs(dir), "--from", Iso(T0), "--to", Iso(T0 + 3 * 3600),
            "--state", state, "-q");
        Assert.Equal(0, r.ExitCode);
        byte[] before = File.ReadAllBytes(state);
        using var held = SqliteStateStore.Open(state);

        // Splunk's support search over these hours: 10.0.0.1 has counts 1, 2, 3 (mean 2, three points), and
        // 10.0.0.2 a single count of 4.
        var export = Support.Cli.Run("lookup", "export", "--state", state, "--out", "-");
        Assert.True(export.ExitCode == 0, export.Stderr);
        var rows = export.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, rows.Length);
        Assert.StartsWith("10.0.0.1,3,3,2", rows[1], StringComparison.Ordinal);
        Assert.StartsWith("10.0.0.2,4,1,4", rows[2], StringComparison.Ordinal);

        var explain = Support.Cli.Run("explain", "--state", state, "--src", "10.0.0.1");
        Assert.True(explain.ExitCode == 0, explain.Stderr);
        Assert.Contains("10.0.0.1", explain.Stdout, StringComparison.Ordinal);

        string html = dir.File("r.html");
        var report = Support.Cli.Run("report", "--state", state, "--out", html);
        Assert.True(report.ExitCode == 0, report.Stderr);
        Assert.Contains("<html", File.ReadAllText(html), StringComparison.OrdinalIgnoreCase);

        // A job is still refused while the first holds the state.
        var job = Support.Cli.Run("baseline", "--input", Logs(dir), "--from", Iso(T0), "--to", Iso(T0 + 3600),
            "--state", state, "-q");
        Assert.Equal(1, job.ExitCode);
        Assert.Contains("in use by another flowspike process", job.Stderr, StringComparison.Ordinal);
        held.Dispose();
        Assert.Equal(before, File.ReadAllBytes(state));
    }

    [Fact]
    public void A_read_only_open_refuses_what_is_not_a_state_and_creates_nothing()
    {
        using var dir = new TempDir();
        string missing = dir.File("missing.db");
        var e = Assert.Throws<StateException>(() => SqliteStateStore.OpenReadOnly(missing));
        Assert.Contains("no such state", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));

        string empty = dir.Write("empty.db", "");
        e = Assert.Throws<StateException>(() => SqliteStateStore.OpenReadOnly(empty));
        Assert.Contains("holds no FlowSpike state", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(empty).Length);

        string text = dir.Write("notes.db", "not a database, just some notes\n");
        e = Assert.Throws<StateException>(() => SqliteStateStore.OpenReadOnly(text));
        Assert.Contains("notes.db", e.Message, StringComparison.Ordinal);
        Assert.Equal("not a database, just some notes\n", File.ReadAllText(text));
        Assert.Equal(["empty.db", "notes.db"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }
}
