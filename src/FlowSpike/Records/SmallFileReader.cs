using Microsoft.Win32.SafeHandles;

namespace FlowSpike.Records;

/// <summary>
/// One worker's reader for small local files, the usual shape of flow log deliveries: the whole file is read with one
/// read call into a buffer the worker keeps, inflated whole by libdeflate into a second kept buffer when it is gzip,
/// and handed out as a reused stream. No per-file allocation beyond the file handle. Anything else (large, remote,
/// nested gzip, JSON, Parquet, binary, corrupt, unreadable) returns null and takes <see cref="InputOpener"/>'s path,
/// which gives the same records and the same errors.
/// </summary>
internal sealed class SmallFileReader
{
    /// <summary>Buffers beyond this are not kept for the next file, so a worker's memory stays bounded.</summary>
    private const int KeepBytes = 16 << 20;

    private byte[] _input = new byte[64 * 1024];
    private byte[] _output = new byte[256 * 1024];
    private readonly BufferStream _stream = new();

    /// <summary>Off sends every file through <see cref="InputOpener"/> (the twin path).</summary>
    public static bool Enabled => FastPaths.SmallFiles;

    /// <summary>The text content of <paramref name="file"/>, or null when it must take the general path.</summary>
    public Stream? TryOpenText(InputFile file, InputFormat forced, bool inflateWhole)
    {
        if (file.IsRemote || file.IsStdin || file.Length is <= 0 or > LibDeflate.MaxCompressedBytes
            || forced is not (InputFormat.Auto or InputFormat.Text)
            || file.Path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
            return null; // a Parquet file read whole here would be read a second time by its own reader
        int size = (int)file.Length;
        if (_input.Length <= size)
            _input = GC.AllocateUninitializedArray<byte>(Math.Max(size + 1, _input.Length * 2));
        int read;
        try
        {
            using SafeFileHandle handle = File.OpenHandle(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read);
            // One byte more than listed: a short read is the end of a regular file; a full one means it grew.
            read = RandomAccess.Read(handle, _input.AsSpan(0, size + 1), 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (read > size || read == 0)
            return null;
        byte[] content = _input;
        int length = read;
        if (read >= 2 && _input[0] == 0x1f && _input[1] == 0x8b)
        {
            if (!inflateWhole)
                return null;
            try
            {
                if (!LibDeflate.TryInflateInto(_input.AsSpan(0, read), ref _output, out length))
                    return null;
            }
            catch (InvalidDataException)
            {
                return null;
            }
            content = _output;
            if (length >= 2 && content[0] == 0x1f && content[1] == 0x8b)
                return null; // gzip inside gzip
        }
        if (forced == InputFormat.Auto && !IsText(content.AsSpan(0, Math.Min(length, 512))))
            return null;
        _stream.Reset(content, length);
        return _stream;
    }

    /// <summary>Lets go of buffers a large file grew.</summary>
    public void Trim()
    {
        if (_input.Length > KeepBytes)
            _input = new byte[64 * 1024];
        if (_output.Length > KeepBytes)
            _output = new byte[256 * 1024];
        _stream.Reset([], 0);
    }

    /// <summary>What <see cref="InputOpener"/> calls text: not Parquet, not JSON, no NUL in the first bytes.</summary>
    private static bool IsText(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("PAR1"u8) || head.Contains((byte)0))
            return false;
        head = head[TextFlowReader.BomLength(head)..];
        int first = head.IndexOfAnyExcept(" \t\r\n"u8);
        return first < 0 || head[first] is not ((byte)'{' or (byte)'[');
    }

    private sealed class BufferStream : ReadOnlyStream
    {
        private byte[] _buffer = [];
        private int _length;
        private int _position;

        public void Reset(byte[] buffer, int length)
        {
            _buffer = buffer;
            _length = length;
            _position = 0;
        }

        public override int Read(Span<byte> destination)
        {
            int n = Math.Min(destination.Length, _length - _position);
            _buffer.AsSpan(_position, n).CopyTo(destination);
            _position += n;
            return n;
        }
    }
}
