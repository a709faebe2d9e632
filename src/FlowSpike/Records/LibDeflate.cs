using System.Buffers;
using System.Runtime.InteropServices;

namespace FlowSpike.Records;

/// <summary>
/// Whole-buffer gzip decompression with libdeflate (Debian's libdeflate0), which inflates about twice as fast as
/// zlib and checks every member's CRC-32 and length. Used for the small files flow logs mostly come in; large files
/// and machines without the library use the streaming inflater, and so does every file when
/// FastPaths.WholeFileInflate is off.
/// </summary>
internal static unsafe partial class LibDeflate
{
    /// <summary>Compressed files up to this size are inflated whole.</summary>
    public const int MaxCompressedBytes = 8 << 20;

    /// <summary>The inflated content of one file may use up to this much memory; beyond it, streaming takes
    /// over.</summary>
    public const int MaxInflatedBytes = 64 << 20;

    private const string Library = "libdeflate.so.0";
    private static readonly bool Loaded = NativeLibrary.TryLoad(Library, typeof(LibDeflate).Assembly, null, out _);

    [ThreadStatic]
    private static IntPtr t_decompressor;

    public static bool Available => Loaded;

    [LibraryImport(Library, EntryPoint = "libdeflate_alloc_decompressor")]
    private static partial IntPtr AllocDecompressor();

    [LibraryImport(Library, EntryPoint = "libdeflate_gzip_decompress_ex")]
    private static partial int GzipDecompress(IntPtr decompressor, byte* input, nuint inputBytes, byte* output,
        nuint outputAvailable, out nuint actualIn, out nuint actualOut);

    /// <summary>
    /// Inflates every gzip member of <paramref name="compressed"/> into a pooled buffer. Returns false when the content
    /// is larger than <see cref="MaxInflatedBytes"/> (the caller streams instead); throws on corrupt or truncated data.
    /// </summary>
    public static bool TryInflate(ReadOnlySpan<byte> compressed, out byte[] output, out int length)
    {
        output = ArrayPool<byte>.Shared.Rent(Math.Min(FirstGuess(compressed), MaxInflatedBytes));
        return Inflate(compressed, ref output, pooled: true, out length);
    }

    /// <summary>
    /// The same into a buffer the caller keeps between files (a worker's), grown as needed and kept grown. Returns
    /// false when the content is larger than <see cref="MaxInflatedBytes"/>; throws on corrupt or truncated data.
    /// </summary>
    public static bool TryInflateInto(ReadOnlySpan<byte> compressed, ref byte[] output, out int length)
    {
        int guess = Math.Min(FirstGuess(compressed), MaxInflatedBytes);
        if (output.Length < guess)
            output = GC.AllocateUninitializedArray<byte>(guess);
        return Inflate(compressed, ref output, pooled: false, out length);
    }

    // Start from the last member's stated size (exact for the usual single-member file), then grow.
    private static int FirstGuess(ReadOnlySpan<byte> compressed)
    {
        int guess = compressed.Length >= 4
            ? (int)Math.Min(BitConverter.ToUInt32(compressed[^4..]), (uint)MaxInflatedBytes)
            : 0;
        return Math.Max(guess + 1, compressed.Length * 4);
    }

    private static bool Inflate(ReadOnlySpan<byte> compressed, ref byte[] output, bool pooled, out int length)
    {
        if (t_decompressor == IntPtr.Zero)
            t_decompressor = AllocDecompressor();
        length = 0;
        int offset = 0;
        fixed (byte* input = compressed)
        {
            while (offset < compressed.Length)
            {
                if (compressed[offset..].IndexOfAnyExcept((byte)0) < 0)
                    break; // zero padding after the last member
                nuint usedIn, produced;
                int status;
                fixed (byte* outp = output)
                    status = GzipDecompress(t_decompressor, input + offset, (nuint)(compressed.Length - offset),
                        outp + length, (nuint)(output.Length - length), out usedIn, out produced);
                if (status == 3)
                {
                    // Insufficient space: grow within the limit, or let the caller stream.
                    if (output.Length >= MaxInflatedBytes)
                    {
                        Release(ref output, pooled);
                        return false;
                    }
                    int size = (int)Math.Min(output.Length * 2L, MaxInflatedBytes);
                    var bigger = pooled ? ArrayPool<byte>.Shared.Rent(size) : GC.AllocateUninitializedArray<byte>(size);
                    output.AsSpan(0, length).CopyTo(bigger);
                    if (pooled)
                        ArrayPool<byte>.Shared.Return(output);
                    output = bigger;
                    continue;
                }
                if (status != 0)
                {
                    Release(ref output, pooled);
                    throw new InvalidDataException(status == 2
                        ? "the gzip data is truncated"
                        : "the gzip data is truncated or corrupt (libdeflate: bad data or checksum)");
                }
                offset += (int)usedIn;
                length += (int)produced;
                if (offset < compressed.Length && compressed[offset] != 0x1f
                    && compressed[offset..].IndexOfAnyExcept((byte)0) >= 0)
                {
                    Release(ref output, pooled);
                    throw new InvalidDataException("unexpected bytes after a gzip member");
                }
            }
        }
        return true;
    }

    /// <summary>
    /// Inflates gzip data whose content size is known (a Parquet page) into <paramref name="output"/>; returns the
    /// bytes written; throws on corrupt or truncated data or content larger than the output.
    /// </summary>
    public static int InflateExact(ReadOnlySpan<byte> compressed, Span<byte> output)
    {
        if (t_decompressor == IntPtr.Zero)
            t_decompressor = AllocDecompressor();
        int offset = 0, length = 0;
        fixed (byte* input = compressed)
        fixed (byte* outp = output)
        {
            // A page is usually one member; a writer may concatenate several.
            while (offset < compressed.Length && compressed[offset..].IndexOfAnyExcept((byte)0) >= 0)
            {
                int status = GzipDecompress(t_decompressor, input + offset, (nuint)(compressed.Length - offset),
                    outp + length, (nuint)(output.Length - length), out nuint usedIn, out nuint produced);
                if (status != 0)
                    throw new InvalidDataException("the gzip data is truncated, corrupt or larger than stated");
                offset += (int)usedIn;
                length += (int)produced;
            }
        }
        return length;
    }

    /// <summary>A pooled buffer goes back to the pool; a caller's buffer stays the caller's.</summary>
    private static void Release(ref byte[] output, bool pooled)
    {
        if (!pooled)
            return;
        ArrayPool<byte>.Shared.Return(output);
        output = [];
    }
}
