using FlowSpike.State;
using Microsoft.Data.Sqlite;

namespace FlowSpike.Tests.State;

/// <summary>
/// The multi-row inserter against its plain twin, one statement per row: the same rows give the same table, for
/// counts below, at and around a batch, with values that repeat, change and turn null between rows, and with
/// INSERT OR REPLACE resolving a key written twice in one batch as one row after the other does.
/// </summary>
public class BatchInserterTests
{
    private const int Batch = BatchInserter.RowsPerStatement;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Batch - 1)]
    [InlineData(Batch)]
    [InlineData(Batch + 1)]
    [InlineData(3 * Batch + 5)]
    public void Batched_rows_give_the_table_one_row_at_a_time_gives(int rows)
    {
        var random = new Random(rows);
        var values = Enumerable.Range(0, rows).Select(n => Row(random, n)).ToList();
        Assert.Equal(Table(values, batched: false), Table(values, batched: true));
        Assert.Equal(values.DistinctBy(v => v.Key).Count(), Table(values, batched: true).Count);
    }

    private sealed record Values(long Key, long? I, double? R, string? T, byte[]? B);

    private static Values Row(Random random, int n)
    {
        // Keys repeat (a replace inside a batch), values repeat from row to row, and each column is sometimes null.
        long key = random.Next(3) == 0 ? n / 2 : n;
        long? i = random.Next(4) switch { 0 => null, 1 => 7, _ => random.NextInt64() };
        double? r = random.Next(4) switch { 0 => null, 1 => 1.5, 2 => -0.0, _ => random.NextDouble() };
        string? t = random.Next(3) switch { 0 => null, 1 => "same", _ => $"t{n}" };
        byte[]? b = random.Next(3) == 0 ? null : [(byte)n, (byte)(n >> 8)];
        return new Values(key, i, r, t, b);
    }

    private static List<string> Table(List<Values> values, bool batched)
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        Run(connection, "CREATE TABLE t(k INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB)");
        const string head = "INSERT OR REPLACE INTO t(k, i, r, t, b)";
        if (batched)
        {
            using var insert = new BatchInserter(connection, head, 5);
            foreach (var v in values)
            {
                Bind(v, insert.Integer, insert.Real, insert.Text, insert.Blob);
                insert.EndRow();
            }
            insert.Flush();
        }
        else
        {
            using var insert = new RowInserter(connection, head + " VALUES (?, ?, ?, ?, ?)");
            foreach (var v in values)
            {
                Bind(v, insert.Integer, insert.Real, insert.Text, insert.Blob);
                insert.Insert();
            }
        }
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT k, quote(i), quote(r), quote(t), quote(b) FROM t ORDER BY k";
        using var reader = cmd.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, 5).Select(c => reader.GetValue(c).ToString())));
        }
        return rows;
    }

    /// <summary>One row's five values, through either inserter's binders.</summary>
    private static void Bind(Values v, Action<int, long?> integer, Action<int, double?> real, Action<int, string?> text,
        Action<int, byte[]?> blob)
    {
        integer(1, v.Key);
        integer(2, v.I);
        real(3, v.R);
        text(4, v.T);
        blob(5, v.B);
    }

    private static void Run(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
