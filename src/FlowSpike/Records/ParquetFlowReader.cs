using System.Buffers;
using System.Text;
using Parquet;
using Parquet.Schema;

namespace FlowSpike.Records;

/// <summary>
/// Flow logs in Parquet: AWS's S3 delivery (flat columns named like the text fields with '_', typed as in AWS's
/// Athena table) and Amazon Security Lake's OCSF Network Activity (class 4001, nested endpoints, time in ms).
/// Columns are read raw (values plus definition levels) into pooled buffers; strings become bytes on the stack.
/// </summary>
internal static class ParquetFlowReader
{
    /// <summary>Which columns mean what in one file.</summary>
    private sealed record Mapping(
        DataField Src, DataField Dst, DataField Start, long StartDivisor,
        DataField? Action, DataField? Disposition, DataField? DispositionId, DataField? ActivityId, DataField? ActionId,
        DataField? Interface, DataField? Interface2, DataField? Account, DataField? Vpc);

    /// <summary>
    /// Off sends every file through Parquet.Net (<see cref="ReadReference"/>) instead of the query's own page reader
    /// (<see cref="Parquet.ParquetQueryReader"/>).
    /// </summary>
    public static bool PageReader => FastPaths.ParquetPages;

    /// <summary>The page reader (unless <paramref name="pages"/> or <see cref="FastPaths"/> says otherwise), and the
    /// reference for the files it declines.</summary>
    public static void Read<THandler>(Stream seekable, string source, ref THandler handler, bool? pages = null)
        where THandler : struct, IRecordHandler
    {
        if (pages ?? PageReader)
        {
            try
            {
                if (FlowSpike.Records.Parquet.ParquetQueryReader.TryRead(seekable, source, ref handler))
                    return;
            }
            catch (Exception e) when (IsDataError(e))
            {
                throw new FlowInputException($"{source}: cannot read Parquet data ({e.Message})", e);
            }
            seekable.Position = 0;
        }
        ReadReference(seekable, source, ref handler);
    }

    /// <summary>One row group of a file the page reader planned (<see cref="Parquet.ParquetPlan"/>), on any thread.
    /// </summary>
    public static void ReadRowGroup<THandler>(
        Stream seekable, string source, FlowSpike.Records.Parquet.ParquetPlan plan, int group, ref THandler handler)
        where THandler : struct, IRecordHandler
    {
        try
        {
            FlowSpike.Records.Parquet.ParquetQueryReader.ReadRowGroup(seekable, source, plan, group, ref handler);
        }
        catch (Exception e) when (IsDataError(e) || e is IOException)
        {
            throw new FlowInputException($"{source}: cannot read Parquet data ({e.Message})", e);
        }
    }

    private static bool IsDataError(Exception e) =>
        e is InvalidDataException or NotSupportedException or EndOfStreamException or OverflowException
            or IndexOutOfRangeException or ArgumentException;

    /// <summary>The reference: Parquet.Net's raw column reads, every row handed over as it is.</summary>
    public static void ReadReference<THandler>(Stream seekable, string source, ref THandler handler)
        where THandler : struct, IRecordHandler
    {
        ParquetReader reader;
        try
        {
            reader = ParquetReader.CreateAsync(seekable, leaveStreamOpen: true).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // Any failure of the Parquet library on this file means the file is unreadable, not that FlowSpike broke.
            throw new FlowInputException($"{source}: not a readable Parquet file ({e.Message})", e);
        }
        try
        {
            var map = Map(reader.Schema, source);
            handler.BeginSource(source, FlowLayout.Default, 1);
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var rowGroup = reader.OpenRowGroupReader(g);
                ReadRowGroup(rowGroup, map, source, ref handler);
            }
        }
        catch (Exception e)
            when (e is not FlowInputException and not OperationCanceledException and not OutOfMemoryException)
        {
            throw new FlowInputException($"{source}: cannot read Parquet data ({e.Message})", e);
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static Mapping Map(ParquetSchema schema, string source)
    {
        var byPath = new Dictionary<string, DataField>(StringComparer.Ordinal);
        foreach (var f in schema.GetDataFields())
            byPath[string.Join('.', f.Path.ToList())] = f;
        DataField? Get(string path) => byPath.GetValueOrDefault(path);
        DataField? First(string[] paths) => paths.Select(Get).FirstOrDefault(f => f is not null);

        if (Get(OcsfFlowFields.SrcIp) is { } ocsfSrc)
        {
            const string Ocsf = "OCSF";
            var dst = Get(OcsfFlowFields.DstIp) ?? throw Missing(source, Ocsf, OcsfFlowFields.DstIp);
            var time = First(OcsfFlowFields.Start)
                ?? throw Missing(source, Ocsf, string.Join(" or ", OcsfFlowFields.Start));
            var disposition = Get(OcsfFlowFields.Disposition);
            var dispositionId = Get(OcsfFlowFields.DispositionId);
            var activity = Get(OcsfFlowFields.ActivityId);
            var actionId = Get(OcsfFlowFields.ActionId);
            if (disposition is null && dispositionId is null && activity is null && actionId is null)
                throw Missing(source, Ocsf, "disposition, disposition_id, activity_id or action_id");
            return new Mapping(ocsfSrc, dst, time, OcsfFlowFields.StartDivisor, null, disposition, dispositionId,
                activity, actionId, Get(OcsfFlowFields.Interface), Get(OcsfFlowFields.Interface2),
                First(OcsfFlowFields.Account), Get(OcsfFlowFields.Vpc));
        }
        if (Get("tgw_id") is not null)
            throw new FlowInputException(
                $"{source}: this is a Transit Gateway flow log (it has tgw_id), not a VPC flow log", unsupported: true,
                reason: SkipReason.UnsupportedLogType);
        var src = Get("srcaddr") ?? throw Missing(source, "VPC flow log", "srcaddr");
        return new Mapping(
            src,
            Get("dstaddr") ?? throw Missing(source, "VPC flow log", "dstaddr"),
            Get("start") ?? throw Missing(source, "VPC flow log", "start"),
            1,
            Get("action") ?? throw Missing(source, "VPC flow log", "action"),
            null, null, null, null, Get("interface_id"), null, Get("account_id"), Get("vpc_id"));
    }

    private static FlowInputException Missing(string source, string kind, string column) =>
        new($"{source}: Parquet {kind} data without the column(s) {column}", unsupported: true);

    private static void ReadRowGroup<THandler>(ParquetRowGroupReader rowGroup, Mapping map, string source,
        ref THandler handler)
        where THandler : struct, IRecordHandler
    {
        int rows = checked((int)rowGroup.RowCount);
        using var src = StringColumn.Read(rowGroup, map.Src, rows);
        using var dst = StringColumn.Read(rowGroup, map.Dst, rows);
        using var start = LongColumn.Read(rowGroup, map.Start, rows);
        using var action = StringColumn.Read(rowGroup, map.Action, rows);
        using var disposition = StringColumn.Read(rowGroup, map.Disposition, rows);
        using var dispositionId = LongColumn.Read(rowGroup, map.DispositionId, rows);
        using var activity = LongColumn.Read(rowGroup, map.ActivityId, rows);
        using var actionId = LongColumn.Read(rowGroup, map.ActionId, rows);
        using var iface = StringColumn.Read(rowGroup, map.Interface, rows);
        using var iface2 = StringColumn.Read(rowGroup, map.Interface2, rows);
        using var account = StringColumn.Read(rowGroup, map.Account, rows);
        using var vpc = StringColumn.Read(rowGroup, map.Vpc, rows);
        Span<byte> srcBytes = stackalloc byte[64], dstBytes = stackalloc byte[64], ifaceBytes = stackalloc byte[128],
            word = stackalloc byte[16], accountBytes = stackalloc byte[32], vpcBytes = stackalloc byte[64];
        for (int i = 0; i < rows; i++)
        {
            bool reject;
            if (map.Action is not null)
                reject = action.Next(word) is var a && a > 0 && word[..a].SequenceEqual("REJECT"u8);
            else
            {
                int d = disposition.Next(word);
                long? did = dispositionId.Next(), act = activity.Next(), aid = actionId.Next();
                reject = OcsfFlowFields.IsReject(word[..Math.Max(d, 0)], did, act, aid);
            }
            int s = src.Next(srcBytes), t = dst.Next(dstBytes);
            int f = iface.Next(ifaceBytes);
            int f2 = iface2.Next(ifaceBytes[Math.Max(f, 0)..]);
            var ifaceSpan = f > 0 ? ifaceBytes[..f] : f2 > 0 ? ifaceBytes[..f2] : default;
            long? startValue = start.Next() is { } v ? FloorDiv(v, map.StartDivisor) : null;
            int acct = account.Next(accountBytes);
            int vp = vpc.Next(vpcBytes);
            handler.OnRecord(reject, srcBytes[..Math.Max(s, 0)], dstBytes[..Math.Max(t, 0)], startValue, ifaceSpan,
                accountBytes[..Math.Max(acct, 0)], vpcBytes[..Math.Max(vp, 0)]);
        }
    }

    private static long FloorDiv(long value, long divisor) =>
        value >= 0 || divisor == 1 ? value / divisor : -((-value + divisor - 1) / divisor);

    /// <summary>
    /// A nullable string column, read raw; <see cref="Next"/> writes the next row's value as ASCII bytes.
    /// </summary>
    private sealed class StringColumn : IDisposable
    {
        private ReadOnlyMemory<char>[]? _values;
        private int[]? _levels;
        private int _maxLevel, _row, _value;

        public static StringColumn Read(ParquetRowGroupReader rowGroup, DataField? field, int rows)
        {
            var c = new StringColumn();
            if (field is null || !rowGroup.ColumnExists(field))
                return c;
            c._values = ArrayPool<ReadOnlyMemory<char>>.Shared.Rent(Math.Max(rows, 1));
            c._maxLevel = field.MaxDefinitionLevel;
            c._levels = c._maxLevel > 0 ? ArrayPool<int>.Shared.Rent(Math.Max(rows, 1)) : null;
            rowGroup.ReadRawAsync(field, c._values.AsMemory(0, rows), c._levels?.AsMemory(0, rows), null)
                .AsTask().GetAwaiter().GetResult();
            return c;
        }

        /// <summary>
        /// Bytes written into <paramref name="destination"/>; -1 for null or an absent column, 0 for too long or
        /// non-ASCII.
        /// </summary>
        public int Next(Span<byte> destination)
        {
            if (_values is null)
                return -1;
            int row = _row++;
            if (_levels is not null && _levels[row] < _maxLevel)
                return -1;
            var chars = _values[_value++].Span;
            if (chars.Length > destination.Length || !Ascii.IsValid(chars))
                return 0;
            return Encoding.ASCII.GetBytes(chars, destination);
        }

        public void Dispose()
        {
            if (_values is not null)
                ArrayPool<ReadOnlyMemory<char>>.Shared.Return(_values, clearArray: true);
            if (_levels is not null)
                ArrayPool<int>.Shared.Return(_levels);
        }
    }

    /// <summary>A nullable integer column of INT32 or INT64, read raw and widened to long.</summary>
    private sealed class LongColumn : IDisposable
    {
        private long[]? _longs;
        private int[]? _ints;
        private int[]? _levels;
        private int _maxLevel, _row, _value;

        public static LongColumn Read(ParquetRowGroupReader rowGroup, DataField? field, int rows)
        {
            var c = new LongColumn();
            if (field is null || !rowGroup.ColumnExists(field))
                return c;
            c._maxLevel = field.MaxDefinitionLevel;
            c._levels = c._maxLevel > 0 ? ArrayPool<int>.Shared.Rent(Math.Max(rows, 1)) : null;
            var levels = c._levels?.AsMemory(0, rows);
            if (field.ClrType == typeof(long))
            {
                c._longs = ArrayPool<long>.Shared.Rent(Math.Max(rows, 1));
                rowGroup.ReadRawAsync(field, c._longs.AsMemory(0, rows), levels, null)
                    .AsTask().GetAwaiter().GetResult();
            }
            else if (field.ClrType == typeof(int))
            {
                c._ints = ArrayPool<int>.Shared.Rent(Math.Max(rows, 1));
                rowGroup.ReadRawAsync(field, c._ints.AsMemory(0, rows), levels, null).AsTask().GetAwaiter().GetResult();
            }
            else
            {
                throw new NotSupportedException(
                    $"column {field.Path} has type {field.ClrType.Name}, expected an integer");
            }
            return c;
        }

        public long? Next()
        {
            if (_longs is null && _ints is null)
                return null;
            int row = _row++;
            if (_levels is not null && _levels[row] < _maxLevel)
                return null;
            int i = _value++;
            return _longs is not null ? _longs[i] : _ints![i];
        }

        public void Dispose()
        {
            if (_longs is not null)
                ArrayPool<long>.Shared.Return(_longs);
            if (_ints is not null)
                ArrayPool<int>.Shared.Return(_ints);
            if (_levels is not null)
                ArrayPool<int>.Shared.Return(_levels);
        }
    }
}
