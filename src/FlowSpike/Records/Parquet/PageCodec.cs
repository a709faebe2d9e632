using System.IO.Compression;

namespace FlowSpike.Records.Parquet;

/// <summary>
/// Decompresses one page into a buffer of its stated size: uncompressed, snappy (Snappier), gzip (libdeflate where
/// present, else .NET's inflater) and zstd (ZstdSharp), the codecs AWS, Security Lake, DuckDB and Spark write.
/// </summary>
internal static class PageCodec
{
    public const int Uncompressed = 0, Snappy = 1, Gzip = 2, Zstd = 6;

    [ThreadStatic]
    private static ZstdSharp.Decompressor? t_zstd;

    public static bool Supports(int codec) => codec is Uncompressed or Snappy or Gzip or Zstd;

    public static void Decompress(int codec, ReadOnlySpan<byte> input, Span<byte> output)
    {
        int written;
        switch (codec)
        {
            case Uncompressed:
                if (input.Length != output.Length)
                    throw new InvalidDataException("an uncompressed page is not its stated size");
                input.CopyTo(output);
                return;
            case Snappy:
                written = Snappier.Snappy.Decompress(input, output);
                break;
            case Gzip:
                written = LibDeflate.Available ? LibDeflate.InflateExact(input, output) : Inflate(input, output);
                break;
            case Zstd:
                if (!(t_zstd ??= new ZstdSharp.Decompressor()).TryUnwrap(input, output, out written))
                    throw new InvalidDataException("a zstd page is larger than its stated size");
                break;
            default:
                throw new InvalidDataException($"codec {codec} is not supported");
        }
        if (written != output.Length)
            throw new InvalidDataException("a page does not decompress to its stated size");
    }

    private static unsafe int Inflate(ReadOnlySpan<byte> input, Span<byte> output)
    {
        fixed (byte* p = input)
        {
            using var raw = new UnmanagedMemoryStream(p, input.Length);
            using var gz = new GZipStream(raw, CompressionMode.Decompress);
            int total = 0, n;
            while (total < output.Length && (n = gz.Read(output[total..])) > 0)
                total += n;
            if (total == output.Length && gz.ReadByte() >= 0)
                throw new InvalidDataException("a gzip page is larger than its stated size");
            return total;
        }
    }
}
