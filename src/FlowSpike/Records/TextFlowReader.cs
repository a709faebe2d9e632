namespace FlowSpike.Records;

/// <summary>
/// Streams a text flow log through the tokenizer in fixed-size chunks of whole lines, so memory stays bounded
/// whatever the file size. The first line decides the layout: a header line names the fields, otherwise the fallback applies.
/// </summary>
public static class TextFlowReader
{
    public const int DefaultBufferSize = 1 << 20;

    public static void Read<TSink>(Stream stream, string source, FlowLayout fallback, ref TSink sink, TokenizerMode mode, byte[] buffer)
        where TSink : struct, IFlowSink
    {
        int filled = 0;
        long lineNumber = 1; // number of the first line in the buffer
        bool first = true;
        bool skipping = false; // inside an overlong line
        while (true)
        {
            int n = ReadSome(stream, source, buffer, filled);
            bool eof = n == 0;
            filled += n;
            if (eof && filled > 0 && buffer[filled - 1] != (byte)'\n')
            {
                if (filled == buffer.Length)
                {
                    // No room for the terminator: the last line fills the whole buffer and is overlong.
                    sink.OnOverlongLine(lineNumber);
                    return;
                }
                buffer[filled++] = (byte)'\n';
            }
            if (filled == 0)
            {
                if (first)
                    sink.BeginSource(source, fallback, 1);
                return;
            }
            int lastNewline = buffer.AsSpan(0, filled).LastIndexOf((byte)'\n');
            if (lastNewline < 0)
            {
                if (filled < buffer.Length && !eof)
                    continue;
                // A whole buffer without a newline: report once, then drop bytes until the next newline.
                if (!skipping)
                {
                    if (first)
                    {
                        sink.BeginSource(source, fallback, 1);
                        first = false;
                    }
                    sink.OnOverlongLine(lineNumber);
                    skipping = true;
                }
                filled = 0;
                continue;
            }
            int start = 0;
            if (skipping)
            {
                start = buffer.AsSpan(0, filled).IndexOf((byte)'\n') + 1;
                lineNumber++;
                skipping = false;
            }
            if (first)
            {
                first = false;
                start = BeginWithLayout(buffer.AsSpan(start, lastNewline + 1 - start), source, fallback, ref sink, ref lineNumber) + start;
            }
            var chunk = buffer.AsSpan(start, lastNewline + 1 - start);
            LineTokenizer.Tokenize(chunk, ref sink, mode);
            lineNumber += System.MemoryExtensions.Count(chunk, (byte)'\n');
            int rest = filled - (lastNewline + 1);
            buffer.AsSpan(lastNewline + 1, rest).CopyTo(buffer);
            filled = rest;
            if (eof && filled == 0)
                return;
        }
    }

    /// <summary>Tells the sink the layout; returns how many bytes of a header line to skip.</summary>
    private static int BeginWithLayout<TSink>(ReadOnlySpan<byte> chunk, string source, FlowLayout fallback, ref TSink sink, ref long lineNumber)
        where TSink : struct, IFlowSink
    {
        int nl = chunk.IndexOf((byte)'\n');
        var firstLine = chunk[..nl];
        if (!FlowLayout.LooksLikeHeader(firstLine))
        {
            sink.BeginSource(source, fallback, 1);
            return 0;
        }
        if (!FlowLayout.TryFromHeader(firstLine, out var layout, out string? error))
            throw new FlowInputException($"{source}: line 1: unusable header: {error}");
        lineNumber = 2;
        sink.BeginSource(source, layout!, 2);
        return nl + 1;
    }

    private static int ReadSome(Stream stream, string source, byte[] buffer, int offset)
    {
        try
        {
            return stream.Read(buffer, offset, buffer.Length - offset);
        }
        catch (InvalidDataException e)
        {
            throw new FlowInputException($"{source}: corrupt compressed data ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw new FlowInputException($"{source}: read error ({e.Message})", e);
        }
    }
}
