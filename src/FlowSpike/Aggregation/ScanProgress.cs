namespace FlowSpike.Aggregation;

/// <summary>
/// Live counters of a scan, read by a progress display: bytes as the workers read them (raw bytes, so gzip and S3
/// objects count what their sizes list), lines as the workers count them, and items as each finishes.
/// </summary>
internal sealed class ScanProgress
{
    private long _itemsDone, _bytesDone, _lines;
    private ScanDiagnostics[]? _workers;

    public long TotalItems { get; internal set; }
    /// <summary>The listed sizes of the inputs; 0 when none is known (standard input).</summary>
    public long TotalBytes { get; internal set; }
    public long ItemsDone => Interlocked.Read(ref _itemsDone);
    public long BytesDone => Interlocked.Read(ref _bytesDone);

    /// <summary>Lines read so far, the current items' lines included.</summary>
    public long Lines
    {
        get
        {
            long lines = Interlocked.Read(ref _lines);
            if (Volatile.Read(ref _workers) is { } workers)
            {
                // Each worker's count only grows; a torn read is impossible for an aligned long on 64-bit hosts.
                foreach (var d in workers)
                    lines += d.Lines;
            }
            return lines;
        }
    }

    /// <summary>True once the scan has read everything; a display stops drawing then.</summary>
    public bool Finished { get; private set; }

    /// <summary>The scan starts over (a split file is read again whole): nothing is done yet.</summary>
    internal void Restart()
    {
        Interlocked.Exchange(ref _itemsDone, 0);
        Interlocked.Exchange(ref _bytesDone, 0);
        Interlocked.Exchange(ref _lines, 0);
        Finished = false;
    }

    /// <summary>Follows the workers' own line counts while they scan.</summary>
    internal void Watch(ScanDiagnostics[] workers)
    {
        Finished = false;
        Volatile.Write(ref _workers, workers);
    }

    /// <summary>Before the workers' diagnostics are merged: keep their final lines, stop following them.</summary>
    internal void Unwatch()
    {
        if (Interlocked.Exchange(ref _workers, null) is { } workers)
        {
            foreach (var d in workers)
                Interlocked.Add(ref _lines, d.Lines);
        }
        Finished = true;
    }

    internal void Read(long bytes) => Interlocked.Add(ref _bytesDone, bytes);

    /// <summary>An item finished: its listed size counts whole, less what was already counted as it was read.</summary>
    internal void Done(long bytes, long alreadyRead)
    {
        Interlocked.Increment(ref _itemsDone);
        Interlocked.Add(ref _bytesDone, Math.Max(0, bytes - alreadyRead));
    }
}
