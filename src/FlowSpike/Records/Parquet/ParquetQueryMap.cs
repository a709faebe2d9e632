namespace FlowSpike.Records.Parquet;

/// <summary>
/// Which leaf column plays which part in the query (an index into the footer's leaves, -1 when absent), for S3
/// Parquet delivery or Security Lake's OCSF; null when the reader should leave the file to the reference reader.
/// </summary>
internal sealed class ParquetQueryMap
{
    public const int Roles = 12;

    public int Src { get; private init; } = -1;
    public int Dst { get; private init; } = -1;
    public int Start { get; private init; } = -1;
    public int Action { get; private init; } = -1;
    public int Disposition { get; private init; } = -1;
    public int DispositionId { get; private init; } = -1;
    public int ActivityId { get; private init; } = -1;
    public int ActionId { get; private init; } = -1;
    public int Interface { get; private init; } = -1;
    public int Interface2 { get; private init; } = -1;
    public int Account { get; private init; } = -1;
    public int Vpc { get; private init; } = -1;
    public long StartDivisor { get; private init; } = 1;
    public bool Ocsf { get; private init; }

    /// <summary>The roles' leaves in a fixed order: the query's columns first, then the details'.</summary>
    public int[] Leaves => [Src, Dst, Start, Action, Disposition, DispositionId, ActivityId, ActionId,
        Interface, Interface2, Account, Vpc];

    public const int FirstDetail = 8;

    // ConvertedType UTF8, INT_32, INT_64; LogicalType STRING, INTEGER (parquet.thrift's numbering).
    private const int Utf8 = 0, ConvertedInt32 = 17, ConvertedInt64 = 18, LogicalString = 1, LogicalInteger = 10;

    public static bool TryCreate(ParquetFooter footer, out ParquetQueryMap map) =>
        TryCreate(footer, out map, out _);

    /// <summary>The same, with why a file is declined (for the tests).</summary>
    public static bool TryCreate(ParquetFooter footer, out ParquetQueryMap map, out string? declined)
    {
        map = null!;
        declined = "layout";
        var byPath = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < footer.Leaves.Count; i++)
            byPath.TryAdd(footer.Leaves[i].Path, i);
        int Get(string path) => byPath.GetValueOrDefault(path, -1);
        int First(string[] paths) => paths.Select(Get).FirstOrDefault(i => i >= 0, -1);
        ParquetQueryMap candidate;
        if (Get(OcsfFlowFields.SrcIp) is var src and >= 0)
        {
            candidate = new ParquetQueryMap
            {
                Ocsf = true,
                Src = src,
                Dst = Get(OcsfFlowFields.DstIp),
                Start = First(OcsfFlowFields.Start),
                StartDivisor = OcsfFlowFields.StartDivisor,
                Disposition = Get(OcsfFlowFields.Disposition),
                DispositionId = Get(OcsfFlowFields.DispositionId),
                ActivityId = Get(OcsfFlowFields.ActivityId),
                ActionId = Get(OcsfFlowFields.ActionId),
                Interface = Get(OcsfFlowFields.Interface),
                Interface2 = Get(OcsfFlowFields.Interface2),
                Account = First(OcsfFlowFields.Account),
                Vpc = Get(OcsfFlowFields.Vpc),
            };
            if (candidate.Disposition < 0 && candidate.DispositionId < 0 && candidate.ActivityId < 0
                && candidate.ActionId < 0)
                return false;
        }
        else
        {
            if (Get("tgw_id") >= 0)
                return false;
            candidate = new ParquetQueryMap
            {
                Src = Get("srcaddr"),
                Dst = Get("dstaddr"),
                Start = Get("start"),
                Action = Get("action"),
                Interface = Get("interface_id"),
                Account = Get("account_id"),
                Vpc = Get("vpc_id"),
            };
            if (candidate.Action < 0)
                return false;
        }
        if (candidate.Src < 0 || candidate.Dst < 0 || candidate.Start < 0)
            return false;
        declined = candidate.TypesFit(footer);
        if (declined is not null)
            return false;
        map = candidate;
        return true;
    }

    /// <summary>
    /// Every role's leaf has the type the reference reads it as (text as UTF-8 strings, numbers as signed INT32 or
    /// INT64), no repetition, and a chunk in every row group in a codec and encodings this reader decodes.
    /// </summary>
    private string? TypesFit(ParquetFooter footer)
    {
        int[] leaves = Leaves;
        for (int role = 0; role < leaves.Length; role++)
        {
            int index = leaves[role];
            if (index < 0)
                continue;
            var leaf = footer.Leaves[index];
            bool number = index == Start || index == DispositionId || index == ActivityId || index == ActionId;
            bool fits = leaf.MaxRepetition == 0 && (number
                ? leaf.PhysicalType is ParquetFooter.Int32 or ParquetFooter.Int64
                    && leaf.ConvertedType is -1 or ConvertedInt32 or ConvertedInt64
                    && (leaf.LogicalType == -1 || (leaf.LogicalType == LogicalInteger && leaf.LogicalSigned))
                : leaf.PhysicalType == ParquetFooter.ByteArray
                    && (leaf.ConvertedType == Utf8 || leaf.LogicalType == LogicalString));
            if (!fits)
                return $"{leaf.Path}: type {leaf.PhysicalType}/{leaf.ConvertedType}/{leaf.LogicalType}";
            foreach (var (_, chunks) in footer.RowGroups)
            {
                if (index >= chunks.Length)
                    return $"{leaf.Path}: no chunk";
                var chunk = chunks[index];
                if (chunk.Path != leaf.Path || chunk.InOtherFile || !PageCodec.Supports(chunk.Codec)
                    || chunk.DataPageOffset < 0 || chunk.CompressedSize <= 0
                    || chunk.Encodings.Exists(e => e is not (0 or 2 or 3 or 4 or 8)))
                    return $"{leaf.Path}: codec {chunk.Codec}, encodings {string.Join(",", chunk.Encodings)}";
            }
        }
        return null;
    }
}
