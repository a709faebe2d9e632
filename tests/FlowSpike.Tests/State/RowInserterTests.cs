using FlowSpike.State;
using Microsoft.Data.Sqlite;

namespace FlowSpike.Tests.State;

/// <summary>
/// The inserter skips a bind when the value already bound at that index is the same. Every row written must still
/// read back as the values given for it, whatever came before it.
/// </summary>
public class RowInserterTests
{
    private sealed record Row(long? I, double? R, string? T, byte[]? B);

    [Fact]
    public void Every_row_reads_back_as_given_whatever_the_row_before_it_bound()
    {
        string shared = "same";
        byte[] reused = [1, 2, 3];
        var rows = new List<Row>
        {
            new(5, 1.5, shared, reused),
            new(5, 1.5, shared, reused),
            new(null, null, null, null),
            new(5, 1.5, shared, [9]),
            new(0, 0.0, "other", null),
            new(0, -0.0, "other", null),
            new(long.MaxValue, double.NaN, shared, reused),
            new(-1, double.PositiveInfinity, null, [7, 7]),
            new(-1, double.PositiveInfinity, shared, [7, 7]),
        };
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        Run(connection, "CREATE TABLE t(n INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB)");
        var written = new List<Row>();
        using (var insert = new RowInserter(connection, "INSERT INTO t(n, i, r, t, b) VALUES (?, ?, ?, ?, ?)"))
        {
            for (int n = 0; n < rows.Count; n++)
            {
                var row = rows[n];
                // The same array with new bytes must be written as it is now.
                if (n == 6)
                    reused[0] = 42;
                insert.Integer(1, n);
                insert.Integer(2, row.I);
                insert.Real(3, row.R);
                insert.Text(4, row.T);
                insert.Blob(5, row.B);
                insert.Insert();
                written.Add(row with { B = row.B?.ToArray() });
            }
        }
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT n, i, r, t, b FROM t ORDER BY n";
        using var reader = cmd.ExecuteReader();
        int read = 0;
        while (reader.Read())
        {
            var want = written[read];
            Assert.Equal(read, reader.GetInt32(0));
            Assert.Equal(want.I, reader.IsDBNull(1) ? null : reader.GetInt64(1));
            // SQLite stores NaN as NULL.
            double? wantReal = want.R is { } r && double.IsNaN(r) ? null : want.R;
            Assert.Equal(wantReal, reader.IsDBNull(2) ? null : reader.GetDouble(2));
            Assert.Equal(want.T, reader.IsDBNull(3) ? null : reader.GetString(3));
            Assert.Equal(want.B, reader.IsDBNull(4) ? null : (byte[])reader.GetValue(4));
            read++;
        }
        Assert.Equal(rows.Count, read);
    }

    private static void Run(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
