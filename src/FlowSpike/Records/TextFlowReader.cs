namespace FlowSpike.Records;

/// <summary>
/// Streams a text flow log through the tokenizer in fixed-size chunks of whole lines, so memory stays bounded
/// whatever the file size. The first line decides the layout: a header line names the fields, otherwise the fallback
/// applies. A large plain file can also be read as line-aligned segments: a segment owns the lines that start inside
/// it.
/// </summary>
internal static class TextFlowReader
{
    public const int DefaultBufferSize = 1 << 17;

    public static void Read<THandler>(Stream stream, string source, FlowLayout fallback, ref THandler handler,
        TokenizerMode mode, byte[] buffer)
        where THandler : struct, IRecordHandler =>
        ReadCore(stream, source, fallback, detectHeader: true, discardFirst: false, bufferOffset: 0, end: long.MaxValue,
            ref handler, mode, buffer);

    /// <summary>
    /// Reads the lines of a seekable stream that start in [start, end), with a layout already known (from the file's
    /// header, which belongs to the segment at 0). Line numbers given to the handler count from the segment's first
    /// line.
    /// </summary>
    public static void ReadSegment<THandler>(Stream stream, long start, long end, string source, FlowLayout layout,
        ref THandler handler, TokenizerMode mode, byte[] buffer)
        where THandler : struct, IRecordHandler
    {
        if (start == 0)
        {
            ReadCore(stream, source, layout, detectHeader: true, discardFirst: false, bufferOffset: 0, end, ref handler,
                mode, buffer);
            return;
        }
        // Start one byte early: if that byte is '\n', the line at `start` is ours; otherwise the partial line is not.
        stream.Seek(start - 1, SeekOrigin.Begin);
        ReadCore(stream, source, layout, detectHeader: false, discardFirst: true, bufferOffset: start - 1, end,
            ref handler, mode, buffer);
    }

    private static void ReadCore<THandler>(Stream stream, string source, FlowLayout layout, bool detectHeader,
        bool discardFirst, long bufferOffset, long end, ref THandler handler, TokenizerMode mode, byte[] buffer)
        where THandler : struct, IRecordHandler
    {
        int filled = 0;
        long lineNumber = 1; // number of the first line at `pos` in the buffer
        bool begun = false;
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
                    if (!discardFirst && bufferOffset < end)
                    {
                        Begin(ref handler, ref begun, source, layout, 1);
                        handler.OnOverlongLine(lineNumber);
                    }
                    return;
                }
                buffer[filled++] = (byte)'\n';
            }
            if (filled == 0)
            {
                Begin(ref handler, ref begun, source, layout, 1);
                return;
            }
            int lastNewline = buffer.AsSpan(0, filled).LastIndexOf((byte)'\n');
            if (lastNewline < 0)
            {
                if (filled < buffer.Length && !eof)
                    continue;
                // A whole buffer without a newline: report once, then drop bytes until the next newline.
                if (!skipping && !discardFirst)
                {
                    if (bufferOffset >= end)
                        return;
                    Begin(ref handler, ref begun, source, layout, 1);
                    handler.OnOverlongLine(lineNumber);
                    skipping = true;
                }
                bufferOffset += filled;
                filled = 0;
                continue;
            }
            int pos = 0;
            if (discardFirst || skipping)
            {
                pos = buffer.AsSpan(0, filled).IndexOf((byte)'\n') + 1;
                if (skipping)
                    lineNumber++;
                discardFirst = skipping = false;
            }
            if (!begun && bufferOffset + pos < end)
            {
                begun = true;
                // A file saved as UTF-8 "with BOM" (Windows editors, PowerShell) starts with EF BB BF: not part of
                // its header line or first record.
                if (bufferOffset == 0 && pos == 0)
                    pos = BomLength(buffer.AsSpan(0, lastNewline + 1));
                pos += BeginWithLayout(buffer.AsSpan(pos, lastNewline + 1 - pos), source, layout, detectHeader,
                    ref handler, ref lineNumber);
            }
            int stop = lastNewline + 1;
            bool finished = false;
            if (end != long.MaxValue && bufferOffset + stop > end)
            {
                // Keep only lines that start before `end`: up to the newline that ends the line holding byte end-1.
                long relativeEnd = end - bufferOffset;
                stop = relativeEnd <= pos ? pos : buffer.AsSpan((int)(relativeEnd - 1),
                    filled - (int)(relativeEnd - 1)).IndexOf((byte)'\n') + (int)relativeEnd;
                finished = true;
            }
            var chunk = buffer.AsSpan(pos, stop - pos);
            lineNumber += LineTokenizer.Tokenize(chunk, ref handler, mode);
            if (finished)
                return;
            int rest = filled - (lastNewline + 1);
            buffer.AsSpan(lastNewline + 1, rest).CopyTo(buffer);
            bufferOffset += lastNewline + 1;
            filled = rest;
            if (eof && filled == 0)
                return;
        }
    }

    private static void Begin<THandler>(ref THandler handler, ref bool begun, string source, FlowLayout layout,
        long firstLine)
        where THandler : struct, IRecordHandler
    {
        if (begun)
            return;
        begun = true;
        handler.BeginSource(source, layout, firstLine);
    }

    /// <summary>Tells the handler the layout; returns how many bytes of a header line to skip.</summary>
    private static int BeginWithLayout<THandler>(ReadOnlySpan<byte> chunk, string source, FlowLayout fallback,
        bool detectHeader, ref THandler handler, ref long lineNumber)
        where THandler : struct, IRecordHandler
    {
        int nl = chunk.IndexOf((byte)'\n');
        var firstLine = chunk[..nl];
        if (!detectHeader || FlowLayout.FromFirstLine(firstLine, source) is not { } layout)
        {
            handler.BeginSource(source, fallback, 1);
            return 0;
        }
        lineNumber = 2;
        handler.BeginSource(source, layout, 2);
        return nl + 1;
    }

    /// <summary>The layout a file's first line declares, or the fallback when it has no header; used to plan
    /// segments.</summary>
    public static FlowLayout LayoutOf(Stream stream, string source, FlowLayout fallback)
    {
        var head = new byte[64 * 1024];
        int filled = 0, n;
        while (filled < head.Length && (n = ReadSome(stream, source, head, filled)) > 0)
            filled += n;
        var text = head.AsSpan(0, filled);
        text = text[BomLength(text)..];
        int nl = text.IndexOf((byte)'\n');
        var line = nl < 0 ? text : text[..nl];
        return FlowLayout.FromFirstLine(line, source) ?? fallback;
    }

    /// <summary>3 when <paramref name="head"/> starts with the UTF-8 byte order mark, else 0.</summary>
    internal static int BomLength(ReadOnlySpan<byte> head) => head.StartsWith("\uFEFF"u8) ? 3 : 0;

    /// <summary>Reads into the rest of <paramref name="buffer"/>; a decompression or I/O failure becomes an error
    /// naming the input.</summary>
    internal static int ReadSome(Stream stream, string source, byte[] buffer, int offset)
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
