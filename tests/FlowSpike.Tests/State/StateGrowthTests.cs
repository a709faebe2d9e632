using System.Globalization;
using FlowSpike.Detection;
using FlowSpike.Models;
using FlowSpike.State;
using FlowSpike.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FlowSpike.Tests.State;

/// <summary>The outbox forgets what every sink has, and `state compact` prunes and shrinks a state.</summary>
public class StateGrowthTests
{
    private const long T0 = 1_790_000_000 / 3600 * 3600;

    private static long Count(string state, string sql)
    {
        using var c = new SqliteConnection($"Data Source={state};Mode=ReadOnly;Pooling=false");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }

    private static long Size(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    private static string Stamped(long t) => "/logs/123_vpcflowlogs_us-east-1_fl-1_" +
        DateTimeOffset.FromUnixTimeSeconds(t).ToString("yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture) +
        "_abc.log.gz";

    /// <summary>A state committed to T0 with alerts for two sinks in its outbox.</summary>
    private static void CommitAlerts(SqliteStateStore store, int alerts)
    {
        store.ReplaceBaseline([new BaselineRow(1, 1, 1, 1, 0)], T0 - 7200, T0 - 3600, 3600);
        store.CommitWindow(new WindowCommit
        {
            Result = new WindowResult(T0 - 3600, T0, [], [], 0, 0, 0),
            WindowSeconds = 3600,
            Alerts = [.. Enumerable.Range(0, alerts).Select(i => new OutboxAlert($"a{i}", T0 - 3600, "{}"))],
            Sinks = ["file:a", "file:b"],
        });
    }

    [Fact]
    public void An_alert_leaves_the_outbox_once_every_sink_has_it()
    {
        using var dir = new TempDir();
        string state = dir.File("s.db");
        using (var store = SqliteStateStore.Open(state))
        {
            CommitAlerts(store, 3);
            store.MarkDelivered("file:a", ["a0", "a1", "a2"]);
            store.MarkDelivered("file:b", ["a0"]);
        }
        // a0 is with both sinks: its rows go. a1 and a2 still wait for file:b, and keep a row each for it.
        Assert.Equal(2, Count(state, "SELECT count(*) FROM deliveries WHERE sink = 'file:b'"));
        Assert.Equal(2, Count(state, "SELECT count(*) FROM deliveries WHERE sink = 'file:a'"));
        using (var store = SqliteStateStore.Open(state))
        {
            Assert.Equal(new[] { "a1", "a2" }, store.OutboxAlerts("file:b").Select(a => a.Id));
            Assert.Empty(store.OutboxAlerts("file:a"));
            store.MarkDelivered("file:b", ["a1", "a2"]);
            // The alerts themselves stay: report and explain read them.
            Assert.Equal(3, store.AllAlerts().Count);
        }
        Assert.Equal(0, Count(state, "SELECT count(*) FROM deliveries"));
    }

    [Fact]
    public void State_compact_prunes_the_ledger_and_the_outbox_in_one_line()
    {
        using var dir = new TempDir();
        string state = dir.File("s.db");
        using (var store = SqliteStateStore.Open(state))
        {
            CommitAlerts(store, 2);
            // 500 objects a day and more behind the mark, 3 within the lateness and an hour, 2 unstamped.
            for (int i = 0; i < 500; i++)
                store.RecordFailure(new LedgerEntry(Stamped(T0 - 86400 - i * 60), 1, "v", LedgerEntry.Counted));
            for (int i = 0; i < 3; i++)
                store.RecordFailure(new LedgerEntry(Stamped(T0 - 600 - i * 60), 1, "v", LedgerEntry.Counted));
            store.RecordFailure(new LedgerEntry("/logs/a.log", 1, "v", LedgerEntry.Counted));
            store.RecordFailure(new LedgerEntry("s3://b/flows/b.log", 1, "v", LedgerEntry.Counted));
        }
        // Rows an older version left: both sinks have the alerts, the rows are still there.
        using (var c = new SqliteConnection($"Data Source={state};Pooling=false"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE deliveries SET delivered = 1";
            cmd.ExecuteNonQuery();
        }
        long before = Size(state) + Size(state + "-wal");

        var r = Support.Cli.Run("state", "compact", "--state", state);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("ledger 5 row(s) (500 pruned), outbox 0 row(s) (4 pruned)", line, StringComparison.Ordinal);
        Assert.Equal(5, Count(state, "SELECT count(*) FROM ledger"));
        Assert.Equal(0, Count(state, "SELECT count(*) FROM deliveries"));
        Assert.Equal(2, Count(state, "SELECT count(*) FROM alerts"));
        Assert.True(Size(state) < before, $"{Size(state)} >= {before}");
        Assert.Equal(0, Size(state + "-wal"));
    }

    [Fact]
    public void State_compact_is_refused_while_a_watch_holds_the_state()
    {
        using var dir = new TempDir();
        string state = dir.File("s.db");
        using (var store = SqliteStateStore.Open(state))
            CommitAlerts(store, 1);
        byte[] before = File.ReadAllBytes(state);
        using (SqliteStateStore.Open(state))
        {
            var r = Support.Cli.Run("state", "compact", "--state", state);
            Assert.Equal(1, r.ExitCode);
            string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("in use by another flowspike process", line, StringComparison.Ordinal);
        }
        Assert.Equal(before, File.ReadAllBytes(state));

        var missing = Support.Cli.Run("state", "compact", "--state", dir.File("none.db"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no such state", missing.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("none.db")));
    }

    [Fact]
    public void State_compact_refuses_a_file_that_is_not_a_state_in_one_line()
    {
        using var dir = new TempDir();
        string text = dir.Write("alerts.jsonl", "{\"src\":\"10.0.0.1\"}\n");
        string foreign = dir.File("other.db");
        using (var c = new SqliteConnection($"Data Source={foreign};Pooling=false"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE notes(text TEXT); INSERT INTO notes VALUES ('keep me');";
            cmd.ExecuteNonQuery();
        }
        foreach (string path in new[] { text, foreign })
        {
            byte[] before = File.ReadAllBytes(path);
            var r = Support.Cli.Run("state", "compact", "--state", path);
            Assert.Equal(1, r.ExitCode);
            string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(path, line, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
            Assert.Equal(before, File.ReadAllBytes(path));
        }
    }

    /// <summary>Rows of objects stamped before the bound, inserted straight into the ledger.</summary>
    private static void FillLedger(string state, int below, bool unstamped)
    {
        using (SqliteStateStore.Open(state))
        {
        }
        using var c = new SqliteConnection($"Data Source={state};Pooling=false");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $rows - 1) " +
            "INSERT INTO ledger(path, size, version, status, records, late, error, processed_at, stamp) " +
            "SELECT 's3://b/AWSLogs/1_vpcflowlogs_us-east-1_fl-1_' || strftime('%Y%m%dT%H%MZ', $t - i * 60, " +
            "'unixepoch') || '_' || i || '.log.gz', 1, 'v', 'counted', 1, 0, NULL, 'x', $t - i * 60 FROM n;" +
            "INSERT INTO ledger VALUES ('s3://b/flows/x.log', 1, 'v', 'counted', 1, 0, NULL, 'x', NULL);" +
            "INSERT INTO ledger VALUES ($keep, 1, 'v', 'counted', 1, 0, NULL, 'x', $t + 3600);" +
            (unstamped ? "DROP INDEX ledger_stamp; ALTER TABLE ledger DROP COLUMN stamp;" : "");
        cmd.Parameters.AddWithValue("$rows", below);
        cmd.Parameters.AddWithValue("$t", T0 - 7200);
        cmd.Parameters.AddWithValue("$keep", "s3://b" + Stamped(T0 + 3600));
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// A poll prunes a bounded part of a large ledger (an older one's rows are stamped on the way), and the next
    /// calls go on where it stopped, until only the rows still needed are left.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pruning_a_large_ledger_is_bounded_per_call_and_resumes(bool unstamped)
    {
        using var dir = new TempDir();
        string state = dir.File("s.db");
        FillLedger(state, 50_000, unstamped);
        using var store = SqliteStateStore.Open(state);
        var steps = new List<long>();
        for (long n = -1; n != 0;)
            steps.Add(n = store.PruneLedger(T0 - 3600, TimeSpan.Zero));
        Assert.True(steps.Count > 2, string.Join(", ", steps));
        Assert.True(steps[0] < 50_000, string.Join(", ", steps));
        Assert.Equal(50_000, steps.Sum());
        Assert.Equal(2, store.LedgerRows());
        Assert.NotNull(store.LedgerRow("s3://b" + Stamped(T0 + 3600)));
        Assert.NotNull(store.LedgerRow("s3://b/flows/x.log"));
        Assert.Equal(T0 - 3600, store.LedgerPrunedBelow);
        // Done: the stamps are indexed, and a lower bound later changes nothing.
        Assert.Equal(0, Count(state, "SELECT count(*) FROM ledger WHERE stamp IS NULL AND path LIKE '%Z\\_%' " +
            "ESCAPE '\\'"));
        Assert.Equal(1, Count(state, "SELECT count(*) FROM sqlite_master WHERE name = 'ledger_stamp'"));
        Assert.Equal(0, store.PruneLedger(T0 - 7200, Timeout.InfiniteTimeSpan));
        Assert.Equal(T0 - 3600, store.LedgerPrunedBelow);
    }

    /// <summary>A ledger written before rows carried their stamp gets them on open, and is pruned like any.</summary>
    [Fact]
    public void An_older_ledger_gets_its_stamps_and_is_pruned()
    {
        using var dir = new TempDir();
        string state = dir.File("s.db");
        using (var store = SqliteStateStore.Open(state))
        {
            store.RecordFailure(new LedgerEntry(Stamped(T0 - 86400), 1, "v", LedgerEntry.Counted));
            store.RecordFailure(new LedgerEntry(Stamped(T0), 1, "v", LedgerEntry.Counted));
        }
        using (var c = new SqliteConnection($"Data Source={state};Pooling=false"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "DROP INDEX ledger_stamp; ALTER TABLE ledger DROP COLUMN stamp;";
            cmd.ExecuteNonQuery();
        }
        using (var store = SqliteStateStore.Open(state))
        {
            Assert.Equal(1, store.PruneLedger(T0 - 3600, Timeout.InfiniteTimeSpan));
            Assert.NotNull(store.LedgerRow(Stamped(T0)));
            Assert.Null(store.LedgerRow(Stamped(T0 - 86400)));
        }
    }
}
