using System.Security.Cryptography;
using FlowSpike.Baseline;
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
