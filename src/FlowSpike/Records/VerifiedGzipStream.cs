using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace FlowSpike.Records;

/// <summary>
/// Inflates gzip member by member and checks each member's CRC-32 and length trailer. The BCL's GZipStream ends
/// silently on a truncated file, which would lose records without a word; this turns that into an error.
/// </summary>
internal sealed class VerifiedGzipStream(Stream compressed) : ReadOnlyStream
{
    private readonly ReplayStream _source = new(compressed);
    private readonly Crc32 _crc = new();
    private DeflateStream? _inflater;
    private long _memberStart;
    private uint _memberLength;
    private int _members;
    private bool _done;

    public override int Read(Span<byte> buffer)
    {
        while (!_done)
        {
            if (_inflater is null && !StartMember())
            {
                _done = true;
                break;
            }
            int n = _inflater!.Read(buffer);
            if (n > 0)
            {
                _crc.Append(buffer[..n]);
                _memberLength += (uint)n;
                return n;
            }
            EndMember();
        }
        return 0;
    }

    private bool StartMember()
    {
        int id1 = _source.ReadByte();
        if (id1 < 0 && _members > 0)
            return false;
        int id2 = _source.ReadByte();
        if (id1 != 0x1f || id2 != 0x8b)
        {
            if (_members > 0 && id1 == 0 && RestIsZero(id2))
                return false; // zero padding after the last member, as some writers leave
            throw new InvalidDataException(_members == 0 ? "not gzip data" : "unexpected bytes after a gzip member");
        }
        Span<byte> fixedPart = stackalloc byte[8];
        ReadHeaderBytes(fixedPart);
        if (fixedPart[0] != 8)
            throw new InvalidDataException($"unknown gzip compression method {fixedPart[0]}");
        byte flags = fixedPart[1];
        if ((flags & 4) != 0)
        {
            Span<byte> len = stackalloc byte[2];
            ReadHeaderBytes(len);
            Skip(BinaryPrimitives.ReadUInt16LittleEndian(len));
        }
        if ((flags & 8) != 0)
            SkipZeroTerminated();
        if ((flags & 16) != 0)
            SkipZeroTerminated();
        if ((flags & 2) != 0)
            Skip(2);
        _memberStart = _source.Consumed;
        _memberLength = 0;
        _crc.Reset();
        _inflater = new DeflateStream(_source, CompressionMode.Decompress, leaveOpen: true);
        return true;
    }

    /// <summary>
    /// The inflater has read ahead past the member's end, so the 8-byte trailer is somewhere in what it consumed.
    /// Find the first place where it matches this member's CRC and length, and hand the bytes after it back.
    /// </summary>
    private void EndMember()
    {
        Span<byte> expected = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(expected, _crc.GetCurrentHashAsUInt32());
        BinaryPrimitives.WriteUInt32LittleEndian(expected[4..], _memberLength);
        var recent = _source.Recent((int)Math.Min(_source.Consumed - _memberStart, 1 << 16));
        int at = recent.AsSpan().IndexOf(expected);
        if (at < 0)
        {
            // The trailer may not have been read yet (the inflater stopped exactly at the deflate end).
            var more = new byte[8];
            int got = 0;
            while (got < 8 && _source.Read(more.AsSpan(got)) is var n && n > 0)
                got += n;
            var joined = recent.Concat(more[..got]).ToArray();
            at = joined.AsSpan().IndexOf(expected);
            if (at < 0)
                throw new InvalidDataException("the gzip data is truncated or corrupt (member trailer with CRC-32 " +
                    "and length not found)");
            recent = joined;
        }
        _source.PushBack(recent[(at + 8)..]);
        _inflater!.Dispose();
        _inflater = null;
        _members++;
    }

    private bool RestIsZero(int next)
    {
        if (next > 0)
            return false;
        Span<byte> chunk = stackalloc byte[4096];
        int n;
        while ((n = _source.Read(chunk)) > 0)
        {
            if (chunk[..n].ContainsAnyExcept((byte)0))
                return false;
        }
        return true;
    }

    private void ReadHeaderBytes(Span<byte> buffer)
    {
        int got = 0;
        while (got < buffer.Length)
        {
            int n = _source.Read(buffer[got..]);
            if (n == 0)
                throw new InvalidDataException("the gzip header is truncated");
            got += n;
        }
    }

    private void Skip(int count)
    {
        Span<byte> scratch = stackalloc byte[256];
        while (count > 0)
        {
            int n = Math.Min(count, scratch.Length);
            ReadHeaderBytes(scratch[..n]);
            count -= n;
        }
    }

    private void SkipZeroTerminated()
    {
        int b;
        while ((b = _source.ReadByte()) > 0)
        {
        }
        if (b < 0)
            throw new InvalidDataException("the gzip header is truncated");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inflater?.Dispose();
            _source.Dispose();
        }
        base.Dispose(disposing);
    }
}
