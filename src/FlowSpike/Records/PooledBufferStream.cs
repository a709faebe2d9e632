using System.Buffers;

namespace FlowSpike.Records;

/// <summary>Reads a pooled buffer and returns it to the pool when disposed.</summary>
internal sealed class PooledBufferStream(byte[] buffer, int length) : ReadOnlyStream
{
    private int _position;
    private byte[]? _buffer = buffer;

    public override int Read(Span<byte> destination)
    {
        var b = _buffer ?? throw new ObjectDisposedException(nameof(PooledBufferStream));
        int n = Math.Min(destination.Length, length - _position);
        b.AsSpan(_position, n).CopyTo(destination);
        _position += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer is { } b)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(b);
        }
        base.Dispose(disposing);
    }
}
