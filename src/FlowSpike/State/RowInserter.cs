using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace FlowSpike.State;

/// <summary>
/// One prepared INSERT, run once per row on the connection's own handle inside its open transaction. Bulk writes
/// (history, the lookup) bind values without boxing them or creating a data reader per row, which
/// <see cref="SqliteCommand.ExecuteNonQuery"/> does: about 1 KB of garbage per row, which at 50,000 hosts and more
/// set the process's peak memory. Parameters are numbered from 1, in the statement's order.
/// </summary>
internal sealed class RowInserter : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RowInserter(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    public void Integer(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Integer(int index, long? value)
    {
        if (value is { } v)
            Integer(index, v);
        else
            Null(index);
    }

    public void Real(int index, double? value) => Check(value is { } v
        ? raw.sqlite3_bind_double(_statement, index, v)
        : raw.sqlite3_bind_null(_statement, index));

    public void Text(int index, string? value) => Check(value is null
        ? raw.sqlite3_bind_null(_statement, index)
        : raw.sqlite3_bind_text(_statement, index, value));

    public void Blob(int index, byte[]? value) => Check(value is null
        ? raw.sqlite3_bind_null(_statement, index)
        : raw.sqlite3_bind_blob(_statement, index, value));

    public void Null(int index) => Check(raw.sqlite3_bind_null(_statement, index));

    /// <summary>Runs the statement with the values bound, then resets it for the next row.</summary>
    public void Insert()
    {
        int rc = raw.sqlite3_step(_statement);
        try
        {
            if (rc != raw.SQLITE_DONE)
                SqliteException.ThrowExceptionForRC(rc, _db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
            SqliteException.ThrowExceptionForRC(rc, _db);
    }

    public void Dispose() => _statement.Dispose();
}
