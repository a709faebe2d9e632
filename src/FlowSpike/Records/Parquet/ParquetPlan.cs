namespace FlowSpike.Records.Parquet;

/// <summary>
/// A local Parquet file the query reader handles, read up to its footer, so the scanner can hand its row groups to
/// different threads (one file per thread left one core idle while the last file's tail was read).
/// </summary>
internal sealed class ParquetPlan
{
    private readonly long[] _bounds;

    private ParquetPlan(ParquetFooter footer, ParquetQueryMap map, long length)
    {
        Footer = footer;
        Map = map;
        // Each row group's share of the file's bytes, from where its first column chunk starts, so the shares add up
        // to the file's length (progress and the bytes scanned count them).
        int groups = footer.RowGroups.Count;
        _bounds = new long[groups + 1];
        _bounds[groups] = length;
        for (int g = groups - 1; g > 0; g--)
        {
            long first = footer.RowGroups[g].Chunks.Min(c => c.Start);
            _bounds[g] = Math.Clamp(first, 0, _bounds[g + 1]);
        }
    }

    public ParquetFooter Footer { get; }
    public ParquetQueryMap Map { get; }
    public int RowGroups => Footer.RowGroups.Count;

    /// <summary>The bytes of the file counted for row group <paramref name="group"/>.</summary>
    public long Bytes(int group) => _bounds[group + 1] - _bounds[group];

    /// <summary>
    /// The plan of a file that starts and ends with Parquet's magic and whose footer the query reader takes; null for
    /// anything else, which is then read whole (where the reference reader names what is wrong).
    /// </summary>
    public static ParquetPlan? TryCreate(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            long length = file.Length;
            Span<byte> head = stackalloc byte[4];
            if (length < 12)
                return null;
            file.ReadExactly(head);
            if (!head.SequenceEqual("PAR1"u8))
                return null;
            var footer = ParquetQueryReader.ReadFooter(file);
            return ParquetQueryMap.TryCreate(footer, out var map) ? new ParquetPlan(footer, map, length) : null;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or OverflowException
            or IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
