using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace FlowSpike.State;

/// <summary>
/// One prepared INSERT, run once per row on the connection's own handle inside its open transaction. Bulk writes
/// (history, the lookup) bind values without boxing them or creating a data reader per row, which
/// <see cref="SqliteCommand.ExecuteNonQuery"/> does: about 1 KB of garbage per row, which at 50,000 hosts and more
/// set the process's peak memory. Parameters are numbered from 1, in the statement's order.
/// A value equal to the one already bound at its index is not bound again (a reset keeps bindings): each bind is a
/// native call that takes the connection's mutex, and most of a baseline's history columns are the same every row.
/// </summary>
internal sealed class RowInserter : IDisposable
{
    private enum Kind : byte
    {
        Unbound,
        Null,
        Integer,
        Real,
        Reference,
    }

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly Kind[] _kinds;
    private readonly long[] _bits;
    private readonly object?[] _references;

    public RowInserter(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
        int count = raw.sqlite3_bind_parameter_count(_statement) + 1;
        _kinds = new Kind[count];
        _bits = new long[count];
        _references = new object?[count];
    }

    public void Integer(int index, long value)
    {
        if (Bound(index, Kind.Integer, value))
            return;
        Check(raw.sqlite3_bind_int64(_statement, index, value));
        Remember(index, Kind.Integer, value);
    }

    public void Integer(int index, long? value)
    {
        if (value is { } v)
            Integer(index, v);
        else
            Null(index);
    }

    public void Real(int index, double? value)
    {
        if (value is not { } v)
        {
            Null(index);
            return;
        }
        long bits = BitConverter.DoubleToInt64Bits(v);
        if (Bound(index, Kind.Real, bits))
            return;
        Check(raw.sqlite3_bind_double(_statement, index, v));
        Remember(index, Kind.Real, bits);
    }

    public void Text(int index, string? value)
    {
        if (value is null)
        {
            Null(index);
            return;
        }
        if (_kinds[index] == Kind.Reference && ReferenceEquals(_references[index], value))
            return;
        Check(raw.sqlite3_bind_text(_statement, index, value));
        Remember(index, value);
    }

    public void Blob(int index, byte[]? value)
    {
        if (value is null)
        {
            Null(index);
            return;
        }
        // A blob's bytes may change under the same array: always bound.
        Check(raw.sqlite3_bind_blob(_statement, index, value));
        _kinds[index] = Kind.Unbound;
    }

    public void Null(int index)
    {
        if (_kinds[index] == Kind.Null)
            return;
        Check(raw.sqlite3_bind_null(_statement, index));
        _kinds[index] = Kind.Null;
        _references[index] = null;
    }

    private bool Bound(int index, Kind kind, long bits) => _kinds[index] == kind && _bits[index] == bits;

    private void Remember(int index, Kind kind, long bits)
    {
        _kinds[index] = kind;
        _bits[index] = bits;
        _references[index] = null;
    }

    private void Remember(int index, object value)
    {
        _kinds[index] = Kind.Reference;
        _references[index] = value;
    }

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
        {
            _kinds.AsSpan().Clear();
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    public void Dispose() => _statement.Dispose();
}
