using System.Buffers.Binary;
using System.Text;

namespace FlowSpike.Records.Parquet;

/// <summary>
/// The Parquet reader for the blocked-outbound query, not a general one: the footer and page headers are read here
/// (Thrift compact), only the query's columns are read, page by page, into buffers each thread keeps. Dictionaries are
/// tested first, each entry once: the action, then (when the handler allows) the source and the destination, so a
/// REJECT whose source or destination cannot count never reaches the handler as a record to select.
/// Produces exactly the calls the reference reader (<see cref="ParquetFlowReader.ReadReference"/>, Parquet.Net)
/// makes, minus those skips.
/// A file it does not know how to read (another layout, codec or encoding) is declined before any call.
/// </summary>
internal static class ParquetQueryReader
{
    private const int Batch = 1024;

    [ThreadStatic]
    private static ParquetQueryColumns? t_columns;

    /// <summary>False (and no handler call) when the file is not one this reader handles.</summary>
    public static bool TryRead<THandler>(Stream file, string source, ref THandler handler)
        where THandler : struct, IRecordHandler
    {
        var columns = t_columns ??= new ParquetQueryColumns();
        ParquetFooter footer;
        try
        {
            footer = ReadFooter(file);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or OverflowException
            or IOException or ArgumentException)
        {
            return false; // the reference reader names what is wrong with the file
        }
        if (!ParquetQueryMap.TryCreate(footer, out var map))
            return false;
        handler.BeginSource(source, FlowLayout.Default, 1);
        bool details = handler.WantsDetails;
        foreach (var (rows, chunks) in footer.RowGroups)
            ReadRowGroup(file, footer, map, chunks, rows, details, columns, ref handler);
        return true;
    }

    /// <summary>One row group of a planned file (<see cref="ParquetPlan"/>), its rows numbered from 1.</summary>
    public static void ReadRowGroup<THandler>(Stream file, string source, ParquetPlan plan, int group,
        ref THandler handler)
        where THandler : struct, IRecordHandler
    {
        var columns = t_columns ??= new ParquetQueryColumns();
        handler.BeginSource(source, FlowLayout.Default, 1);
        var (rows, chunks) = plan.Footer.RowGroups[group];
        ReadRowGroup(file, plan.Footer, plan.Map, chunks, rows, handler.WantsDetails, columns, ref handler);
    }

    internal static ParquetFooter ReadFooter(Stream file)
    {
        var columns = t_columns ??= new ParquetQueryColumns();
        long length = file.Length;
        if (length < 12)
            throw new InvalidDataException("too short for Parquet");
        Span<byte> tail = stackalloc byte[8];
        file.Position = length - 8;
        file.ReadExactly(tail);
        int size = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (!tail[4..].SequenceEqual("PAR1"u8) || size <= 0 || size > length - 12)
            throw new InvalidDataException("no Parquet footer");
        var buffer = columns.FooterBuffer(size);
        file.Position = length - 8 - size;
        file.ReadExactly(buffer, 0, size);
        return ParquetFooter.Parse(buffer.AsSpan(0, size));
    }

    private static void ReadRowGroup<THandler>(
        Stream file, ParquetFooter footer, ParquetQueryMap map, ParquetChunk[] chunks, long rows, bool details,
        ParquetQueryColumns c, ref THandler handler)
        where THandler : struct, IRecordHandler
    {
        if (rows <= 0)
            return;
        c.Open(file, footer, map, chunks, rows, details);
        // Starts all in one window, or all outside the range, by the chunk's statistics: dated in one call, and an
        // unselected record's start is not read.
        var start = chunks[map.Start];
        bool marked = start is { NullCount: 0, Min: { } min, Max: { } max }
            && handler.TryMarkAll(rows, FloorDiv(min, map.StartDivisor), FloorDiv(max, map.StartDivisor));
        if (marked)
            MarkedRowGroups++;
        long done = 0;
        while (done < rows)
        {
            int n = c.NextBatch((int)Math.Min(Batch, rows - done));
            if (map.Ocsf)
                OcsfBatch(map, c, n, details, marked, ref handler);
            else
                AwsBatch(map, c, n, details, marked, ref handler);
            done += n;
        }
        if (marked)
            handler.EndMarked();
    }

    /// <summary>Row groups dated from their statistics (the tests check some are).</summary>
    internal static int MarkedRowGroups { get; private set; }

    private static void AwsBatch<THandler>(ParquetQueryMap map, ParquetQueryColumns c, int n, bool details, bool marked,
        ref THandler handler)
        where THandler : struct, IRecordHandler
    {
        var action = c.Reader(map.Action);
        bool dictionary = action.IsDictionaryPage;
        var rejects = dictionary ? c.ActionRejects(action) : default;
        var ids = c.Ids(map.Action);
        var starts = c.Reader(map.Start);
        var startIds = c.Ids(map.Start);
        for (int i = 0; i < n; i++)
        {
            int id = ids[i];
            if (id >= 0 && (dictionary ? rejects[id] : action.Bytes(id).SequenceEqual("REJECT"u8)))
                Row(map, c, i, startIds[i] is var t and >= 0 ? starts.Long(t) : null, details, ref handler);
            else
                handler.OnUnselected(marked || startIds[i] is not (var u and >= 0) ? null : starts.Long(u));
        }
    }

    private static void OcsfBatch<THandler>(ParquetQueryMap map, ParquetQueryColumns c, int n, bool details,
        bool marked,
        ref THandler handler)
        where THandler : struct, IRecordHandler
    {
        for (int i = 0; i < n; i++)
        {
            var disposition = c.Text(map.Disposition, i, 16);
            bool reject = OcsfFlowFields.IsReject(disposition, c.Long(map.DispositionId, i),
                c.Long(map.ActivityId, i), c.Long(map.ActionId, i));
            if (!reject && marked)
            {
                handler.OnUnselected(null);
                continue;
            }
            long? start = c.Long(map.Start, i) is { } v ? FloorDiv(v, map.StartDivisor) : null;
            if (reject)
                Row(map, c, i, start, details, ref handler);
            else
                handler.OnUnselected(start);
        }
    }

    /// <summary>A REJECT row: skipped by a dictionary test, counted without a second parse, or handed over.
    /// </summary>
    private static void Row<THandler>(ParquetQueryMap map, ParquetQueryColumns c, int i, long? start, bool details,
        ref THandler handler)
        where THandler : struct, IRecordHandler
    {
        int source = c.SourceClass(map.Src, i, ref handler, out uint src);
        int kind = 0;
        uint dst = 0;
        if (source == IRecordHandler.SkipRecord
            || (source == IRecordHandler.SourcePasses && (kind = c.DestinationKind(map.Dst, i, ref handler,
                out dst)) == 0))
        {
            handler.OnUnselected(start);
            return;
        }
        ReadOnlySpan<byte> iface = default, account = default, vpc = default;
        if (details)
        {
            // The source endpoint's interface, else the destination's (OCSF), as the reference takes them.
            var first = c.Text(map.Interface, i, 128);
            iface = !first.IsEmpty ? first : c.Text(map.Interface2, i, 128);
            account = c.Text(map.Account, i, 32);
            vpc = c.Text(map.Vpc, i, 64);
        }
        if (source == IRecordHandler.SourcePasses)
            handler.OnSelected(src, c.Text(map.Src, i, 64), kind, dst, c.Text(map.Dst, i, 64), start, iface,
                account, vpc);
        else
            handler.OnRecord(true, c.Text(map.Src, i, 64), c.Text(map.Dst, i, 64), start, iface, account, vpc);
    }

    private static long FloorDiv(long value, long divisor) =>
        value >= 0 || divisor == 1 ? value / divisor : -((-value + divisor - 1) / divisor);

    /// <summary>The value as the reference hands it over: ASCII and at most <paramref name="max"/> bytes, else empty.
    /// </summary>
    public static ReadOnlySpan<byte> AsText(ReadOnlySpan<byte> value, int max) =>
        value.Length <= max && Ascii.IsValid(value) ? value : default;
}
