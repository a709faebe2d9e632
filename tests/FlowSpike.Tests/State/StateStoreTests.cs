using System.Security.Cryptography;
using FlowSpike.Models;
using FlowSpike.State;
using FlowSpike.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FlowSpike.Tests.State;

public class StateStoreTests
{
    [Fact]
    public void A_second_open_of_the_same_state_is_refused_clearly()
    {
        using var dir = new TempDir();
        string path = dir.File("s.db");
        using var first = SqliteStateStore.Open(path);
        var e = Assert.Throws<StateException>(() => SqliteStateStore.Open(path));
        Assert.Contains("in use by another flowspike process", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_from_a_newer_schema_is_refused_and_left_untouched()
    {
        using var dir = new TempDir();
        string path = dir.File("s.db");
        using (var store = SqliteStateStore.Open(path))
            store.ImportLookup([new BaselineRow(1, 1, 1, 1, 0)]);
        using (var c = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText =
                "UPDATE meta SET value = '99' WHERE key = 'schema_version'; PRAGMA wal_checkpoint(TRUNCATE);";
            cmd.ExecuteNonQuery();
        }
        byte[] before = SHA256.HashData(File.ReadAllBytes(path));
        var e = Assert.Throws<StateException>(() => SqliteStateStore.Open(path));
        Assert.Contains("newer FlowSpike", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(path)));
    }

    [Fact]
    public void A_version_3_state_gets_the_tables_named_by_the_terms_and_keeps_its_rows()
    {
        using var dir = new TempDir();
        string path = dir.File("s.db");
        using (SqliteStateStore.Open(path))
        {
        }
        // Turn it into a version 3 state as earlier releases wrote it, with one closed window and one open count.
        Sql(path, "INSERT INTO closed_windows VALUES (3600, 7200, '2026-10-02T01:00:00Z', 1, 5, 0)",
            "INSERT INTO open_counts VALUES (7200, 42, 9)",
            "ALTER TABLE closed_windows RENAME COLUMN closed_at TO applied_at",
            "ALTER TABLE closed_windows RENAME TO applied_windows", "ALTER TABLE open_windows RENAME TO " +
                "pending_windows",
            "ALTER TABLE open_counts RENAME TO pending_counts",
            "ALTER TABLE open_destinations RENAME TO pending_destinations",
            "ALTER TABLE open_interfaces RENAME TO pending_interfaces",
            "ALTER TABLE open_accounts RENAME TO pending_accounts", "DROP INDEX alerts_undelivered",
            "CREATE INDEX alerts_pending ON alerts(delivered, window_start)",
            "UPDATE meta SET value = '3' WHERE key = 'schema_version'");
        using (var store = SqliteStateStore.Open(path))
        {
            Assert.Equal([3600L], store.ClosedWindows(0, 86_400));
            Assert.Equal(9, store.LoadOpenWindow(7200)[42].Count);
        }
        using var c = new SqliteConnection($"Data Source={path};Pooling=false;Mode=ReadOnly");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT group_concat(name, ' ') FROM sqlite_master WHERE name LIKE '%pending%' " +
            "OR name LIKE '%applied%' OR sql LIKE '%applied_at%'";
        Assert.True(cmd.ExecuteScalar() is DBNull, "old names left: " + cmd.ExecuteScalar());
        cmd.CommandText = "SELECT value FROM meta WHERE key = 'schema_version'";
        Assert.Equal("4", cmd.ExecuteScalar());
    }

    private static void Sql(string path, params string[] statements)
    {
        using var c = new SqliteConnection($"Data Source={path};Pooling=false");
        c.Open();
        foreach (string sql in statements)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }
    }

    [Fact]
    public void A_file_that_is_not_a_state_is_refused()
    {
        using var dir = new TempDir();
        string path =
            dir.Write("s.db",
                "this is not sqlite, just some text that is long enough to have a "
                + "header........................................");
        var e = Assert.Throws<StateException>(() => SqliteStateStore.Open(path));
        Assert.Contains("s.db", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Doubles_survive_the_store_bit_for_bit()
    {
        using var dir = new TempDir();
        string path = dir.File("s.db");
        var rows =
            new[] { new BaselineRow(0x0A000001, 3, 6, 5.020833333333333, 1.51963423047931),
                new BaselineRow(0x0A000002, null, 2, 0.1 + 0.2, double.Epsilon) };
        using (var store = SqliteStateStore.Open(path))
            store.ImportLookup(rows);
        using var again = SqliteStateStore.Open(path);
        Assert.Equal(rows.OrderBy(r => r.Src), again.LoadLookup().OrderBy(r => r.Src));
    }
}
