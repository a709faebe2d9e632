namespace FlowSpike.Records;

/// <summary>
/// Opens an input and recognises it by content, not by name: gzip (also gzip inside gzip, as Firehose can write) is
/// inflated in-process and streamed, then the bytes tell Parquet, JSON or text apart.
/// </summary>
internal static class InputOpener
{
    private const int PeekBytes = 512;
    private const int MaxGzipLayers = 3;

    /// <param name="wrapRaw">Wraps the raw stream (before any inflate), for example to count the bytes read.</param>
    public static OpenedInput Open(
        InputFile file, InputFormat forced = InputFormat.Auto, bool? inflateWhole = null,
        Func<Stream, Stream>? wrapRaw = null) =>
        Open(file, file.OpenRemote?.Invoke() ?? (file.IsStdin ? Console.OpenStandardInput() : OpenFile(file.Path)),
            forced, inflateWhole, wrapRaw);

    /// <summary>
    /// Opens an already opened raw stream (for example an S3 object body) named <paramref name="file"/>.
    /// </summary>
    public static OpenedInput Open(
        InputFile file, Stream raw, InputFormat forced = InputFormat.Auto, bool? inflateWhole = null,
        Func<Stream, Stream>? wrapRaw = null)
    {
        bool whole = (inflateWhole ?? WholeFileInflate) && LibDeflate.Available;
        bool local = raw is FileStream;
        if (wrapRaw is not null)
            raw = wrapRaw(raw);
        var peek = new PeekStream(raw, PeekBytes);
        Stream current = peek;
        bool compressed = false;
        try
        {
            for (int layer = 0; layer < MaxGzipLayers && peek.Head is [0x1f, 0x8b, ..]; layer++)
            {
                try
                {
                    // A small local file inflates fastest whole; anything else streams.
                    var wholeStream = layer == 0 && local && whole
                        && file.Length is > 0 and <= LibDeflate.MaxCompressedBytes
                        ? InflateWhole(peek, file)
                        : null;
                    if (wholeStream is null && layer == 0 && local && current is PeekStream { Consumed: true })
                    {
                        // Too large to inflate whole after all: start again from the file, streaming.
                        current.Dispose();
                        var again = OpenFile(file.Path);
                        current = new PeekStream(wrapRaw?.Invoke(again) ?? again, PeekBytes);
                    }
                    peek = new PeekStream(wholeStream ?? new VerifiedGzipStream(current), PeekBytes);
                }
                catch (InvalidDataException e)
                {
                    throw new FlowInputException($"{file.Path}: corrupt gzip data ({e.Message})", e);
                }
                current = peek;
                compressed = true;
            }
            var format = forced != InputFormat.Auto ? forced : Detect(peek.Head, file, compressed);
            if (format != InputFormat.Parquet)
                return new OpenedInput(current, format, compressed);
            if (!compressed && !file.IsStdin && local)
            {
                // Parquet needs to seek: reopen the file itself.
                current.Dispose();
                return new OpenedInput(OpenFile(file.Path, sequential: false), format, compressed);
            }
            // A Parquet file inside gzip or on a pipe: spool it to a temporary file (bounded memory).
            string temp = Path.Combine(
                Path.GetTempPath(), $"flowspike-{Environment.ProcessId}-{Guid.NewGuid():N}.parquet");
            using (var spool = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                current.CopyTo(spool);
            current.Dispose();
            return new OpenedInput(
                new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read), format, compressed, temp);
        }
        catch
        {
            current.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Off when <see cref="FastPaths.WholeFileInflate"/> is, or where libdeflate is missing: the streaming
    /// inflater's twin path.
    /// </summary>
    public static bool WholeFileInflate => LibDeflate.Available && FastPaths.WholeFileInflate;

    private static Stream? InflateWhole(PeekStream compressed, InputFile file)
    {
        byte[] input = System.Buffers.ArrayPool<byte>.Shared.Rent((int)file.Length);
        try
        {
            int read = 0, n;
            while (read < input.Length && (n = compressed.Read(input.AsSpan(read))) > 0)
                read += n;
            return LibDeflate.TryInflate(input.AsSpan(0, read), out byte[] output, out int length)
                ? new PooledBufferStream(output, length)
                : null;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(input);
        }
    }

    private static FileStream OpenFile(string path, bool sequential = true)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1,
                sequential ? FileOptions.SequentialScan : FileOptions.RandomAccess);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FlowInputException($"{path}: cannot be opened: {e.Message}", e);
        }
    }

    private static InputFormat Detect(ReadOnlySpan<byte> head, InputFile file, bool compressed)
    {
        if (head.StartsWith("PAR1"u8))
            return InputFormat.Parquet;
        head = head[TextFlowReader.BomLength(head)..];
        int first = head.IndexOfAnyExcept(" \t\r\n"u8);
        if (first >= 0 && head[first] is (byte)'{' or (byte)'[')
            return InputFormat.Json;
        if (head.Contains((byte)0))
            throw new FlowInputException(
                $"{file.Path}: {(compressed ? "gzip content" : "content")} is binary and not a known flow log format "
                + "(text, JSON, Parquet)",
                unsupported: true);
        return InputFormat.Text;
    }
}
