using Parquet;
using Parquet.Schema;

namespace FlowSpike.Synth;

/// <summary>
/// Writes records column by column with Parquet.Net's low-level writer: no reflection over row classes, so the
/// Native AOT build writes the same files as the JIT build. Each column is a function of the record; a null is a
/// missing value. Row groups of 50,000 records, gzip.
/// </summary>
internal sealed class ParquetRows<TRecord>
{
    private const int RowGroupSize = 50_000;

    /// <summary>Writes one column of a row group: the group, the schema's leaf, the records, first, count.</summary>
    private delegate void ColumnWriter(ParquetRowGroupWriter group, DataField leaf, IReadOnlyList<TRecord> records,
        int start, int rows);

    private readonly List<ColumnWriter> _columns = [];
    private readonly List<Field> _top = [];

    public ParquetRows<TRecord> Add<T>(string name, Func<TRecord, T?> value) where T : struct
    {
        _top.Add(new DataField<T?>(name));
        _columns.Add((group, leaf, records, start, rows) =>
            group.WriteAsync(leaf, (ReadOnlyMemory<T?>)Values(value, records, start, rows)).GetAwaiter().GetResult());
        return this;
    }

    public ParquetRows<TRecord> AddRequired<T>(string name, Func<TRecord, T> value) where T : struct
    {
        _top.Add(new DataField<T>(name));
        _columns.Add((group, leaf, records, start, rows) =>
            group.WriteAsync(leaf, (ReadOnlyMemory<T>)Values(value, records, start, rows)).GetAwaiter().GetResult());
        return this;
    }

    public ParquetRows<TRecord> Add(string name, Func<TRecord, string?> value)
    {
        _top.Add(new DataField<string>(name));
        _columns.Add((group, leaf, records, start, rows) =>
            group.WriteAsync(leaf, Values(value, records, start, rows), null).GetAwaiter().GetResult());
        return this;
    }

    /// <summary>A struct column: its fields are added by <paramref name="fields"/>, each reading the record.</summary>
    public ParquetRows<TRecord> AddStruct(string name, Action<ParquetRows<TRecord>> fields)
    {
        var inner = new ParquetRows<TRecord>();
        fields(inner);
        _top.Add(new StructField(name, [.. inner._top]));
        _columns.AddRange(inner._columns);
        return this;
    }

    public void Write(Stream output, IReadOnlyList<TRecord> records)
    {
        var schema = new ParquetSchema([.. _top]);
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Gzip };
        var writer = ParquetWriter.CreateAsync(schema, output, options).GetAwaiter().GetResult();
        try
        {
            var leaves = schema.GetDataFields();
            for (int start = 0; start < records.Count; start += RowGroupSize)
            {
                int rows = Math.Min(RowGroupSize, records.Count - start);
                using var group = writer.CreateRowGroup();
                for (int c = 0; c < _columns.Count; c++)
                    _columns[c](group, leaves[c], records, start, rows);
            }
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static T[] Values<T>(Func<TRecord, T> value, IReadOnlyList<TRecord> records, int start, int rows)
    {
        var values = new T[rows];
        for (int i = 0; i < rows; i++)
            values[i] = value(records[start + i]);
        return values;
    }
}
