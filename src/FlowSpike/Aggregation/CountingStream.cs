namespace FlowSpike.Aggregation;

/// <summary>
/// Passes reads (and seeks) through to an input's raw stream and adds the bytes to the scan's progress as they come,
/// so a progress display moves within one big file, a gzip object, an S3 body or standard input.
/// </summary>
internal sealed class CountingStream(Stream inner, ItemProgress item) : Stream
{
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        item.Add(n);
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => inner.Position = value; }
    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>
/// The bytes one worker's current item has read so far, added to the shared progress as they are read.
/// </summary>
internal sealed class ItemProgress(ScanProgress progress)
{
    public long Seen { get; private set; }

    public void Reset() => Seen = 0;

    public void Add(int bytes)
    {
        Seen += bytes;
        progress.Read(bytes);
    }

    public Stream Wrap(Stream raw) => new CountingStream(raw, this);
}
