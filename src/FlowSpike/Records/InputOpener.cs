using System.IO.Compression;

namespace FlowSpike.Records;

/// <summary>Opens an input and recognises its container by content: gzip is inflated in-process and streamed.</summary>
public static class InputOpener
{
    public static Stream Open(InputFile file)
    {
        Stream raw;
        try
        {
            raw = file.IsStdin
                ? Console.OpenStandardInput()
                : new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FlowInputException($"{file.Path}: cannot be opened: {e.Message}", e);
        }
        var peek = new PeekStream(raw, 4);
        ReadOnlySpan<byte> head = peek.Head;
        if (head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b)
            return new GZipStream(peek, CompressionMode.Decompress);
        if (head.Length >= 4 && head.SequenceEqual("PAR1"u8))
        {
            peek.Dispose();
            throw new FlowInputException($"{file.Path}: is a Parquet file; Parquet input is not supported by this build yet");
        }
        return peek;
    }
}
