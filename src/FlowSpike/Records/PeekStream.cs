namespace FlowSpike.Records;

/// <summary>A read-only stream that lets the opener look at the first bytes without seeking (stdin cannot
/// seek).</summary>
internal sealed class PeekStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly byte[] _head;
    private readonly int _headLength;
    private int _headPos;

    public PeekStream(Stream inner, int count)
    {
        _inner = inner;
        _head = new byte[count];
        while (_headLength < count)
        {
            int n = inner.Read(_head, _headLength, count - _headLength);
            if (n == 0)
                break;
            _headLength += n;
        }
    }

    public ReadOnlySpan<byte> Head => _head.AsSpan(0, _headLength);

    /// <summary>Whether anything was read through it (so it cannot be read again from the start).</summary>
    public bool Consumed { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        Consumed = true;
        if (_headPos < _headLength)
        {
            int n = Math.Min(buffer.Length, _headLength - _headPos);
            _head.AsSpan(_headPos, n).CopyTo(buffer);
            _headPos += n;
            return n;
        }
        return _inner.Read(buffer);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _inner.Dispose();
        base.Dispose(disposing);
    }
}
