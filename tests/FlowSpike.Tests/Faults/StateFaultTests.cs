using System.Diagnostics;
using FlowSpike.Tests.Support;
using Microsoft.Data.Sqlite;
using static FlowSpike.Tests.Faults.FaultData;

namespace FlowSpike.Tests.Faults;

/// <summary>
/// Faults around the state file, each through the CLI: a second process, a missing state, another application's
/// database, an empty import. The state is checked afterwards (rows, or bytes where it must be untouched).
/// </summary>
public class StateFaultTests
{
    private const string Header = "src_ip,latestCount,numDataPoints,avgBlockedConnections,stdevBlockedConnections";


    [Fact]
    public void importing_an_empty_lookup_into_a_state_with_rows_is_refused()
    {
        using var dir = new TempDir();
        string state = BaselineState(dir);
        string before = Dump(state);
        string csv = dir.Write("empty.csv", Header + "\n");

        var r = Support.Cli.Run("lookup", "import", "--state", state, csv);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("has no rows; importing it would empty a lookup of 3 row(s); nothing was imported",
            OneError(r), StringComparison.Ordinal);
        Assert.Equal(before, Dump(state));
    }

    [Fact]
    public void two_processes_on_one_state_through_two_paths_cannot_both_run()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("real"));
        string state = BaselineState(dir, "real/s.db");
        string logs = WriteHours(dir.File("logs"), 24, 26);
        Directory.CreateSymbolicLink(dir.File("linked"), dir.File("real"));
        File.CreateSymbolicLink(dir.File("alias.db"), state);
        using (var ln = Process.Start("ln", [state, dir.File("real/hard.db")])!)
            Assert.True(ln.WaitForExit(30_000) && ln.ExitCode == 0);
        Assert.True(File.Exists(dir.File("real/hard.db")));

        // One process holds the state through a symlinked folder: watch runs until stopped.
        var psi = Support.Cli.StartInfo(
            ["watch", "--input", logs, "--state", dir.File("linked/s.db"), "--poll-interval", "1h",
                "--listen", "none"]);
        using var watch = Process.Start(psi)!;
        try
        {
            string? line;
            do
            {
                line = watch.StandardError.ReadLine();
            }
            while (line is not null && !line.Contains("watching", StringComparison.Ordinal));
            Assert.NotNull(line);
            // The watch counts the files already there after saying "watching"; its first poll commits (and prunes)
            // before the state holds still for the hour of --poll-interval.
            string before = Dump(state);
            for (int i = 0; i < 60; i++)
            {
                Thread.Sleep(500);
                string now = Dump(state);
                if (now == before)
                    break;
                before = now;
            }
            string[] detect =
            [
                "detect", "--input", logs, "--from", Iso(H(24)), "--to", Iso(H(26)), "--out", dir.File("a.jsonl"), "-q",
                "--state",
            ];

            foreach (string other in new[] { state, dir.File("alias.db"), dir.File("real/hard.db") })
            {
                var r = Support.Cli.RunWith([.. detect, other]);
                Assert.Equal(1, r.ExitCode);
                Assert.Contains("the state is in use by another flowspike process",
                    OneError(r), StringComparison.Ordinal);
            }
            var relative = RunIn(dir.Path, [.. detect, "real/s.db"]);
            Assert.Equal(1, relative.ExitCode);
            Assert.Contains("in use by another flowspike process", OneError(relative), StringComparison.Ordinal);
            Assert.Equal(before, Dump(state));
        }
        finally
        {
            watch.Kill();
            watch.WaitForExit();
        }
        // Once the first process is gone the same command runs.
        var after = Support.Cli.Run("detect", "--input", logs, "--from", Iso(H(24)), "--to", Iso(H(26)),
            "--out", dir.File("a.jsonl"), "-q", "--state", dir.File("alias.db"));
        Assert.True(after.ExitCode == 0, after.Stderr);
        Assert.Equal(2, Closed(state).Count);
    }

    [Theory]
    [InlineData("lookup", "export")]
    [InlineData("report")]
    [InlineData("explain")]
    public void read_only_commands_on_a_missing_state_exit_non_zero_and_create_nothing(params string[] command)
    {
        using var dir = new TempDir();
        string state = dir.File("missing.db");
        var args = new List<string>(command) { "--state", state };
        if (command[0] == "report")
            args.AddRange(["--out", dir.File("report.html")]);
        if (command[0] == "explain")
            args.AddRange(["--src", "10.0.0.1"]);

        var r = Support.Cli.RunWith(args);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("no such state", OneError(r), StringComparison.Ordinal);
        Assert.Empty(Files(dir.Path));
    }

    /// <summary>Another application's database: one with its own tables, and one that even has a meta table.</summary>
    [Theory]
    [InlineData("CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users(name) VALUES ('ada');")]
    [InlineData("CREATE TABLE meta(key TEXT PRIMARY KEY, value); INSERT INTO meta VALUES ('v', 7); CREATE TABLE n(b)")]
    public void another_applications_sqlite_file_is_refused_and_left_untouched(string sql)
    {
        using var dir = new TempDir();
        string other = dir.File("app.sqlite");
        using (var c = new SqliteConnection($"Data Source={other};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }
        string hash = Hash(other);
        string logs = WriteHours(dir.File("logs"), 0, 24);
        string csv = dir.Write("l.csv", Header + "\n10.0.0.1,1,2,3,4\n");
        string[][] runs =
        [
            ["baseline", "--input", logs, "--from", BaselineFrom, "--to", BaselineTo, "--state", other],
            ["detect", "--input", logs, "--from", Iso(H(20)), "--to", Iso(H(24)), "--state", other],
            ["lookup", "export", "--state", other],
            ["lookup", "import", "--state", other, csv],
            ["report", "--state", other, "--out", dir.File("r.html")],
            ["explain", "--state", other, "--src", "10.0.0.1"],
        ];
        foreach (var args in runs)
        {
            var r = Support.Cli.RunWith(args);
            Assert.Equal(1, r.ExitCode);
            Assert.Contains("an SQLite database of another application", OneError(r), StringComparison.Ordinal);
            Assert.Equal(hash, Hash(other));
            bool sidecars = new[] { "-wal", "-shm", "-journal" }.Any(s => File.Exists(other + s));

            Assert.False(sidecars, string.Join(' ', args));
        }
        Assert.False(File.Exists(dir.File("r.html")));
    }

    [Fact]
    public void Explain_strips_terminal_escape_sequences_from_what_the_logs_put_in_the_state()
    {
        using var dir = new TempDir();
        string state = BaselineState(dir);
        // An interface id crafted to retitle the terminal, clear the screen and colour the text.
        string logs = WriteHours(dir.File("logs"), 24, 29);
        string iface = "eni-\u001b]0;pwned\u0007\u001b[2J\u001b[31mx\u009b1m";
        File.WriteAllText(Path.Combine(logs, "h029.log"), Hour(29, "10.0.0.1", iface: iface));
        var d = Support.Cli.Run("detect", "--input", logs, "--from", Iso(H(24)), "--to", Iso(H(30)), "--state", state,
            "--out", dir.File("a.jsonl"), "-q");
        Assert.True(d.ExitCode == 0, d.Stderr);
        // The escapes reach the state and the alerts (JSON-escaped there) ...
        Assert.Contains("\\u001B]0;pwned", File.ReadAllText(dir.File("a.jsonl")), StringComparison.OrdinalIgnoreCase);

        // ... and explain prints none of them.
        var r = Support.Cli.Run("explain", "--state", state, "--src", "10.0.0.1");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("interfaces: eni-x", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(r.Stdout, c => c is < ' ' and not '\n' || c is >= '\u007f' and <= '\u009f');
    }
}
