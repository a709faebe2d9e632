using System.Diagnostics;
using System.Globalization;
using FlowSpike.Tests.Support;
using static FlowSpike.Tests.Faults.FaultData;

namespace FlowSpike.Tests.Faults;

/// <summary>
/// watch as an operator runs it, through the CLI: the same folder spelled two ways, a window no file covers, files
/// already there when a continuous watch starts. Afterwards the state must equal what detect makes of the same files.
/// </summary>
public class WatchFaultTests
{
    private static string Clock(TempDir dir, long t) => dir.Write("clock", t.ToString(CultureInfo.InvariantCulture));

    private static string[] Watch(string input, string state, string clock, string alerts, params string[] more) =>
        ["watch", "--input", input, "--state", state, "--clock", clock, "--out", alerts, "--listen", "none", "-q",
            .. more];

    /// <summary>What detect commits for the same files over hours [from, to) on a fresh baseline.</summary>
    private static (string Lookup, string Alerts) Reference(TempDir dir, string logs, int from, int to,
        params string[] more)
    {
        string reference = BaselineState(dir, "ref.db");
        var r = Support.Cli.RunWith(["detect", "--input", logs, "--from", Iso(H(from)), "--to", Iso(H(to)),
            "--state", reference, "--out", dir.File("ref.jsonl"), "-q", .. more]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return (Lookup(reference), File.ReadAllText(dir.File("ref.jsonl")));
    }

    [Fact]
    public void the_same_folder_relative_then_absolute_counts_each_file_once()
    {
        using var dir = new TempDir();
        string state = BaselineState(dir);
        string logs = WriteHours(dir.File("in"), 24, 28, spikeHour: 27);

        // First as a relative path, early: everything is counted, nothing closes yet.
        var first = RunIn(dir.Path, Watch("in", state, Clock(dir, H(24) + 1800), dir.File("a.jsonl"), "--once"));
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal("4", Scalar(state, "SELECT count(*) FROM ledger"));
        // Then the same folder by its absolute path, once the windows are due.
        var second = Support.Cli.RunWith(Watch(logs, state, Clock(dir, H(28) + 600), dir.File("a.jsonl"), "--once"));
        Assert.True(second.ExitCode == 0, second.Stderr);

        Assert.Equal("4", Scalar(state, "SELECT count(*) FROM ledger"));
        Assert.Equal(4, Closed(state).Count);
        var (lookup, alerts) = Reference(dir, logs, 24, 28);
        Assert.Equal(lookup, Lookup(state));
        Assert.Equal(alerts, File.ReadAllText(dir.File("a.jsonl")));
    }

    [Fact]
    public void Ledger_rows_keyed_by_an_old_spelling_still_recognise_their_files()
    {
        using var dir = new TempDir();
        string state = BaselineState(dir);
        string logs = WriteHours(dir.File("in"), 24, 26);
        var first = RunIn(dir.Path, Watch("in", state, Clock(dir, H(24) + 60), dir.File("a.jsonl"), "--once"));
        Assert.True(first.ExitCode == 0, first.Stderr);
        // Rows as earlier versions wrote them: keyed by the path as the user spelled it ("in/h024.log").
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={state};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            // 'in/' and the file's name (what follows the last '/').
            cmd.CommandText = "UPDATE ledger SET path = 'in/' || " +
                "replace(path, rtrim(path, replace(path, '/', '')), '')";
            Assert.Equal(2, cmd.ExecuteNonQuery());
        }
        Assert.Equal("in/h024.log", Scalar(state, "SELECT min(path) FROM ledger"));

        var again = RunIn(dir.Path, Watch(logs, state, Clock(dir, H(26) + 600), dir.File("a.jsonl"), "--once"));

        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal("2", Scalar(state, "SELECT count(*) FROM ledger"));
        Assert.Equal(Reference(dir, logs, 24, 26).Lookup, Lookup(state));
    }

    [Fact]
    public void watch_holds_a_window_with_no_records_open_unless_the_silence_is_declared_real()
    {
        using var dir = new TempDir();
        string state = BaselineState(dir);
        string logs = WriteHours(dir.File("in"), 24, 28, spikeHour: 27, skip: [26]);

        var r = Support.Cli.RunWith(Watch(logs, state, Clock(dir, H(28) + 600), dir.File("a.jsonl"), "--once"));

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("window 2026-10-02T02:00:00Z has no flow-log records yet; it stays open",
            r.Stderr, StringComparison.Ordinal);
        Assert.Equal(["2026-10-02T00:00:00Z", "2026-10-02T01:00:00Z"], Closed(state));

        r = Support.Cli.RunWith(
            Watch(logs, state, Clock(dir, H(28) + 600), dir.File("a.jsonl"), "--once", "--allow-empty-windows"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(4, Closed(state).Count);
        var (lookup, alerts) = Reference(dir, logs, 24, 28, "--allow-empty-windows");
        Assert.Equal(lookup, Lookup(state));
        Assert.Equal(alerts, File.ReadAllText(dir.File("a.jsonl")));
    }

    [Fact]
    public void A_continuous_watch_counts_the_files_already_there_before_it_closes_a_window()
    {
        using var dir = new TempDir();
        string state = BaselineState(dir);
        string logs = WriteHours(dir.File("in"), 24, 25);
        var early = Support.Cli.RunWith(Watch(logs, state, Clock(dir, H(24) + 60), dir.File("a.jsonl"), "--once"));
        Assert.True(early.ExitCode == 0, early.Stderr);
        // More of hour 24 arrives while no watch runs; then a continuous watch starts when the window is due.
        File.WriteAllText(Path.Combine(logs, "h024-more.log"), Hour(24, "10.0.0.2"));
        var continuous = Watch(logs, state, Clock(dir, H(25) + 600), dir.File("a.jsonl"), "--poll-interval", "1s");
        using var watch = Process.Start(Support.Cli.StartInfo(continuous))!;
        try
        {
            var until = DateTime.UtcNow.AddMinutes(1);
            // The window commits, then its alert is delivered from the outbox: wait for both.
            while ((Scalar(state, "SELECT count(*) FROM closed_windows") != "1" || !File.Exists(dir.File("a.jsonl"))
                || new FileInfo(dir.File("a.jsonl")).Length == 0) && DateTime.UtcNow < until)
                Thread.Sleep(200);
            Thread.Sleep(500);
        }
        finally
        {
            watch.Kill();
            watch.WaitForExit();
        }
        Assert.Equal(["2026-10-02T00:00:00Z"], Closed(state));
        Assert.Equal("0", Scalar(state, "SELECT coalesce(sum(late), 0) FROM ledger"));
        var (lookup, alerts) = Reference(dir, logs, 24, 25);
        Assert.Equal(lookup, Lookup(state));
        Assert.Equal(alerts, File.ReadAllText(dir.File("a.jsonl")));
        Assert.NotEmpty(alerts);
    }

    [Fact]
    public void Listen_on_a_non_loopback_address_warns()
    {
        using var dir = new TempDir();
        string state = BaselineState(dir);
        string logs = WriteHours(dir.File("in"), 24, 25);
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        string[] args = ["watch", "--input", logs, "--state", state, "--clock", Clock(dir, H(24) + 60),
            "--out", dir.File("a.jsonl"), "--once", "-q"];


        var open = Support.Cli.RunWith([.. args, "--listen", $"0.0.0.0:{port}"]);
        var local = Support.Cli.RunWith([.. args, "--listen", $"127.0.0.1:{port}"]);

        Assert.Contains($"--listen 0.0.0.0:{port} is not a loopback address", open.Stderr, StringComparison.Ordinal);
        Assert.True(local.ExitCode == 0, local.Stderr);
        Assert.DoesNotContain("loopback", local.Stderr, StringComparison.Ordinal);
    }
}
