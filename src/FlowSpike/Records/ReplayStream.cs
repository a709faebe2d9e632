namespace FlowSpike.Records;

/// <summary>
/// A forward-only reader that remembers the last bytes it handed out and can hand some of them out again.
/// The gzip verifier needs it because the inflater reads past the end of a member.
/// </summary>
internal sealed class ReplayStream(Stream inner) : ReadOnlyStream
{
    private const int HistorySize = 1 << 16;
    private readonly byte[] _history = new byte[HistorySize];
    private long _consumed; // total bytes handed out
    private readonly Stack<byte[]> _pushed = new();
    private int _pushedOffset;

    /// <summary>Total bytes handed out so far.</summary>
    public long Consumed => _consumed;

    /// <summary>Copies the last <paramref name="count"/> handed-out bytes (at most the history size).</summary>
    public byte[] Recent(int count)
    {
        count = (int)Math.Min(Math.Min(count, HistorySize), _consumed);
        var result = new byte[count];
        for (int i = 0; i < count; i++)
            result[i] = _history[(int)((_consumed - count + i) % HistorySize)];
        return result;
    }

    /// <summary>Makes the next reads return <paramref name="bytes"/> again, and forgets that they were handed
    /// out.</summary>
    public void PushBack(byte[] bytes)
    {
        if (bytes.Length == 0)
            return;
        if (_pushed.Count > 0 && _pushedOffset > 0)
        {
            _pushed.Push(_pushed.Pop()[_pushedOffset..]);
            _pushedOffset = 0;
        }
        _pushed.Push(bytes);
        _consumed -= bytes.Length;
    }

    public override int Read(Span<byte> buffer)
    {
        int n;
        if (_pushed.Count > 0)
        {
            var top = _pushed.Peek();
            n = Math.Min(buffer.Length, top.Length - _pushedOffset);
            top.AsSpan(_pushedOffset, n).CopyTo(buffer);
            _pushedOffset += n;
            if (_pushedOffset == top.Length)
            {
                _pushed.Pop();
                _pushedOffset = 0;
            }
        }
        else
        {
            n = inner.Read(buffer);
        }
        Remember(buffer[..n]);
        return n;
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    private void Remember(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > HistorySize)
        {
            _consumed += bytes.Length - HistorySize;
            bytes = bytes[^HistorySize..];
        }
        while (!bytes.IsEmpty)
        {
            int at = (int)(_consumed % HistorySize);
            int n = Math.Min(bytes.Length, HistorySize - at);
            bytes[..n].CopyTo(_history.AsSpan(at));
            _consumed += n;
            bytes = bytes[n..];
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}
