
namespace FlowSpike.Records;

/// <summary>
/// Opens an input and recognises its container by content, not by name: gzip is inflated in-process and streamed,
/// and what is inside is checked for being text.
/// </summary>
public static class InputOpener
{
    private const int PeekBytes = 512;

    public static Stream Open(InputFile file) => Open(file, out _);

    /// <summary>Opens the input; <paramref name="compressed"/> says whether its bytes are inflated on the way.</summary>
    public static Stream Open(InputFile file, out bool compressed)
    {
        compressed = false;
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
        var peek = new PeekStream(raw, PeekBytes);
        try
        {
            if (peek.Head is [0x1f, 0x8b, ..])
            {
                PeekStream inner;
                try
                {
                    inner = new PeekStream(new VerifiedGzipStream(peek), PeekBytes);
                }
                catch (InvalidDataException e)
                {
                    throw new FlowInputException($"{file.Path}: corrupt gzip data ({e.Message})", e);
                }
                CheckText(inner.Head, file, "gzip content");
                compressed = true;
                return inner;
            }
            CheckText(peek.Head, file, "content");
            return peek;
        }
        catch
        {
            peek.Dispose();
            throw;
        }
    }

    private static void CheckText(ReadOnlySpan<byte> head, InputFile file, string what)
    {
        if (head.StartsWith("PAR1"u8))
            throw new FlowInputException($"{file.Path}: is a Parquet file; Parquet input is not supported by this build yet");
        int first = head.IndexOfAnyExcept(" \t\r\n"u8);
        if (first >= 0 && head[first] is (byte)'{' or (byte)'[')
            throw new FlowInputException($"{file.Path}: {what} is JSON (CloudWatch Logs or Firehose style); JSON input is not supported by this build yet");
        if (head.Contains((byte)0))
            throw new FlowInputException($"{file.Path}: {what} is binary; it is not a text flow log");
    }
}
