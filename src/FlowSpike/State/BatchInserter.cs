using Microsoft.Data.Sqlite;

namespace FlowSpike.State;

/// <summary>
/// Bulk rows written <see cref="RowsPerStatement"/> at a time through one multi-row INSERT, the rest one by one
/// through <see cref="RowInserter"/>, its plain twin. Each statement run is a VDBE start, a step and a reset, and
/// each is a native call that takes the connection's mutex: at 840,000 baseline rows, a third of the write.
/// Values are kept until their statement runs, so a blob's array must not change after its row ends.
/// Columns are numbered from 1, in the statement's order.
/// </summary>
internal sealed class BatchInserter : IDisposable
{
    public const int RowsPerStatement = 64;

    private enum Kind : byte
    {
        Null,
        Integer,
        Real,
        Text,
        Blob,
    }

    private readonly record struct Value(Kind Kind, long Bits, object? Reference);

    private readonly RowInserter _many;
    private readonly RowInserter _one;
    private readonly int _columns;
    private readonly Value[] _pending;
    private int _rows;

    /// <summary><paramref name="head"/> is the statement up to VALUES: "INSERT INTO t(a, b)".</summary>
    public BatchInserter(SqliteConnection connection, string head, int columns)
    {
        _columns = columns;
        string row = "(" + string.Join(", ", Enumerable.Repeat("?", columns)) + ")";
        _one = new RowInserter(connection, $"{head} VALUES {row}");
        try
        {
            _many = new RowInserter(connection, $"{head} VALUES " +
                string.Join(", ", Enumerable.Repeat(row, RowsPerStatement)));
        }
        catch
        {
            _one.Dispose();
            throw;
        }
        _pending = new Value[RowsPerStatement * columns];
    }

    public void Integer(int column, long value) => Set(column, new Value(Kind.Integer, value, null));

    public void Integer(int column, long? value) =>
        Set(column, value is { } v ? new Value(Kind.Integer, v, null) : default);

    public void Real(int column, double? value) =>
        Set(column, value is { } v ? new Value(Kind.Real, BitConverter.DoubleToInt64Bits(v), null) : default);

    public void Text(int column, string? value) => Set(column, value is null ? default : new(Kind.Text, 0, value));

    public void Blob(int column, byte[]? value) => Set(column, value is null ? default : new(Kind.Blob, 0, value));

    public void Null(int column) => Set(column, default);

    private void Set(int column, Value value) => _pending[_rows * _columns + column - 1] = value;

    /// <summary>Ends the row; a full batch is written.</summary>
    public void EndRow()
    {
        if (++_rows < RowsPerStatement)
            return;
        for (int i = 0; i < _pending.Length; i++)
            Bind(_many, i + 1, _pending[i]);
        _rows = 0;
        _many.Insert();
    }

    /// <summary>Writes the rows of an unfinished batch, one statement each.</summary>
    public void Flush()
    {
        int rows = _rows;
        _rows = 0;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < _columns; c++)
                Bind(_one, c + 1, _pending[r * _columns + c]);
            _one.Insert();
        }
    }

    private static void Bind(RowInserter insert, int index, Value value)
    {
        switch (value.Kind)
        {
            case Kind.Integer:
                insert.Integer(index, value.Bits);
                break;
            case Kind.Real:
                insert.Real(index, BitConverter.Int64BitsToDouble(value.Bits));
                break;
            case Kind.Text:
                insert.Text(index, (string)value.Reference!);
                break;
            case Kind.Blob:
                insert.Blob(index, (byte[])value.Reference!);
                break;
            default:
                insert.Null(index);
                break;
        }
    }

    public void Dispose()
    {
        _many.Dispose();
        _one.Dispose();
    }
}
