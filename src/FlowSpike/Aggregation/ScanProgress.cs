namespace FlowSpike.Aggregation;

/// <summary>Live counters of a scan, updated by the workers as each file (or segment) finishes; read by a progress display.</summary>
public sealed class ScanProgress
{
    private long _itemsDone, _bytesDone, _lines;

    public long TotalItems { get; internal set; }
    public long TotalBytes { get; internal set; }
    public long ItemsDone => Interlocked.Read(ref _itemsDone);
    public long BytesDone => Interlocked.Read(ref _bytesDone);
    public long Lines => Interlocked.Read(ref _lines);

    /// <summary>The scan starts over (a split file is read again whole): nothing is done yet.</summary>
    internal void Restart()
    {
        Interlocked.Exchange(ref _itemsDone, 0);
        Interlocked.Exchange(ref _bytesDone, 0);
        Interlocked.Exchange(ref _lines, 0);
    }

    internal void Done(long bytes, long lines)
    {
        Interlocked.Increment(ref _itemsDone);
        Interlocked.Add(ref _bytesDone, Math.Max(0, bytes));
        Interlocked.Add(ref _lines, lines);
    }
}
