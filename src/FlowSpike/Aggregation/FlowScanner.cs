using FlowSpike.Records;
using FlowSpike.Records.Parquet;
using FlowSpike.Selection;

namespace FlowSpike.Aggregation;

/// <summary>
/// Scans inputs in parallel: each worker owns an accumulator and a read buffer, and the partials are merged at the end.
/// Work items are whole files, line-aligned segments of large plain-text files so one big file uses every core, or
/// the row groups of local Parquet files, so the last file's tail does not leave a core idle.
/// </summary>
internal static class FlowScanner
{
    public static ScanResult Scan(
        IReadOnlyList<InputFile> files, ScanOptions options, CancellationToken cancellation = default)
    {
        var whole = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var changed = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
            var result = Scan(files, options, whole, changed, cancellation);
            // A header line inside a split file changes the layout of the segments after it, which were read with the
            // file's first header: read such a file again as one piece (rare: only an uncompressed file over twice
            // SegmentBytes whose flow log was replaced mid-file).
            if (changed.IsEmpty)
                return result;
            whole.UnionWith(changed.Keys);
            options.Progress?.Restart();
        }
    }

    private static ScanResult Scan(
        IReadOnlyList<InputFile> files, ScanOptions options, HashSet<string> whole,
        System.Collections.Concurrent.ConcurrentDictionary<string, bool> changed, CancellationToken cancellation)
    {
        var selector = new BlockedOutboundSelector(options.Internal);
        // Window indexes are kept in 32 bits of the accumulator's key.
        if (options.To <= options.From || (options.To - options.From) / options.WindowSeconds >= uint.MaxValue)
        {
            throw new ArgumentException(
                $"scan range [{options.From}, {options.To}) is empty or has too many windows "
                + $"of {options.WindowSeconds}s");
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var items = Plan(files, options, whole);
        if (options.Progress is { } progress)
        {
            progress.TotalItems = items.Count;
            progress.TotalBytes = items.Sum(i => Math.Max(0, i.Size == long.MaxValue ? 0 : i.Size));
        }
        // Remote objects wait on the network: download several per core.
        int threads = Math.Max(1, items.Exists(i => i.File.IsRemote)
            ? Math.Max(options.Threads, options.RemoteConcurrency)
            : options.Threads);
        var workers = new Worker[Math.Max(1, Math.Min(threads, items.Count))];
        for (int w = 0; w < workers.Length; w++)
            workers[w] = new Worker(
                new ScanAccumulator(
                    options.From, options.WindowSeconds, options.KeepDetails, options.Entities, options.To),
                new byte[options.BufferSize])
            {
                Counter = options.Progress is { } p ? new ItemProgress(p) : null,
            };
        options.Progress?.Watch([.. workers.Select(w => w.Accumulator.Diagnostics)]);
        try
        {
            RunWorkers(items, workers, options, selector, changed, cancellation);
        }
        finally
        {
            options.Progress?.Unwatch();
        }
        // Merge the workers' numeric tables, then build the one partial.
        foreach (var worker in workers)
            worker.Accumulator.FlushMarks();
        var first = workers[0].Accumulator;
        for (int w = 1; w < workers.Length; w++)
            first.MergeFrom(workers[w].Accumulator);
        var diagnostics = first.Diagnostics;
        var total = first.ToPartial();
        diagnostics.Elapsed = clock.Elapsed;
        return new ScanResult(total, diagnostics);
    }

    /// <summary>
    /// One long-lived thread per worker (the caller's thread is the first), each taking the next item from a shared
    /// counter: no task replication, so each worker keeps its accumulator and buffers for the whole scan.
    /// </summary>
    private static void RunWorkers(
        List<WorkItem> items, Worker[] workers, ScanOptions options, BlockedOutboundSelector selector,
        System.Collections.Concurrent.ConcurrentDictionary<string, bool> changed, CancellationToken cancellation)
    {
        int next = -1;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        void Loop(Worker worker)
        {
            try
            {
                int i;
                while (failures.IsEmpty && !cancellation.IsCancellationRequested
                    && (i = Interlocked.Increment(ref next)) < items.Count)
                {
                    var item = items[i];
                    worker.Counter?.Reset();
                    var d = worker.Accumulator.Diagnostics;
                    long lines = d.Lines, parsed = d.Parsed, malformed = d.Malformed;
                    try
                    {
                        ScanOne(item, options, selector, worker, changed);
                        // A whole object is judged here; the segments of a split file after the scan (InputCheck).
                        if (item.Whole)
                            NotFlowLog.Require(item.File, d.Lines - lines, d.Parsed - parsed, options);
                    }
                    catch (FlowInputException e) when (e.Unsupported && options.SkipUnsupported)
                    {
                        // Thrown before any record of the object was counted: nothing of it is in the accumulator.
                        d.Skip(NotFlowLog.Skipped(item.File.Path, e), d.Malformed - malformed);
                    }
                    d.AddFile(item.File.Path, d.Lines - lines, d.Parsed - parsed);
                    TestHooks.FileRead?.Invoke();
                    options.Progress?.Done(item.Size == long.MaxValue ? 0 : item.Size, worker.Counter?.Seen ?? 0);
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        }
        var others = new Thread[workers.Length - 1];
        for (int w = 0; w < others.Length; w++)
        {
            var worker = workers[w + 1];
            others[w] = new Thread(() => Loop(worker)) { IsBackground = true, Name = $"flowspike-scan-{w + 1}" };
            others[w].Start();
        }
        Loop(workers[0]);
        foreach (var t in others)
            t.Join();
        if (failures.FirstOrDefault(e => e is FlowInputException) is FlowInputException input)
        {
            if (input.Unsupported)
                throw NotFlowLog.Stop(input);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(input);
        }
        if (!failures.IsEmpty)
            throw new AggregateException(failures);
        cancellation.ThrowIfCancellationRequested();
    }

    /// <summary>One unit of work: a whole input, the lines starting in [Start, End) of a plain file, or row group
    /// Segment of a Parquet file.</summary>
    private sealed record WorkItem(
        InputFile File, int Segment, long Start, long End, FlowLayout? Layout, ParquetPlan? Parquet = null)
    {
        public long Size => Parquet is { } plan ? plan.Bytes(Segment) : Layout is null ? File.Length : End - Start;

        /// <summary>Judged as one object when read; split files are judged after the scan (InputCheck).</summary>
        public bool Whole => Layout is null && Parquet is null;
    }

    private static List<WorkItem> Plan(IReadOnlyList<InputFile> files, ScanOptions options, HashSet<string> whole)
    {
        var items = new List<WorkItem>();
        foreach (var file in files)
        {
            if (SplitsParquet(file, options, whole) && ParquetPlan.TryCreate(file.Path) is { RowGroups: > 1 } plan)
            {
                for (int g = 0; g < plan.RowGroups; g++)
                    items.Add(new WorkItem(file, g, 0, 0, null, plan));
                continue;
            }
            if (options.Threads < 2 || whole.Contains(file.Path) || file.IsStdin || file.IsRemote
                || file.Length < 2 * options.SegmentBytes || !IsPlainText(file, options, out var layout))
            {
                items.Add(new WorkItem(file, 0, 0, long.MaxValue, null));
                continue;
            }
            int segments = (int)Math.Ceiling(file.Length / (double)options.SegmentBytes);
            long step = file.Length / segments;
            for (int i = 0; i < segments; i++)
                items.Add(new WorkItem(file, i, i * step, i == segments - 1 ? file.Length : (i + 1) * step, layout));
        }
        // Largest first, so one big item does not start last and leave the other cores idle.
        items.Sort((a, b) => b.Size.CompareTo(a.Size));
        return items;
    }

    /// <summary>Local files named as Parquet, read by the page reader: their footer is read here, serially, so only
    /// those (not thousands of small gzip files) are opened twice.</summary>
    private static bool SplitsParquet(InputFile file, ScanOptions options, HashSet<string> whole) =>
        options.Threads >= 2 && !whole.Contains(file.Path) && !file.IsStdin && !file.IsRemote
        && options.Format is InputFormat.Auto or InputFormat.Parquet
        && (options.ParquetPages ?? ParquetFlowReader.PageReader)
        && file.Path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);

    private static bool IsPlainText(InputFile file, ScanOptions options, out FlowLayout layout)
    {
        layout = options.FallbackLayout;
        try
        {
            using (var input = InputOpener.Open(file, options.Format, options.InflateWhole))
            {
                if (input.Compressed || input.Format != InputFormat.Text)
                    return false; // inflate is sequential, and only text splits at newlines
            }
            using var raw = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            layout = TextFlowReader.LayoutOf(raw, file.Path, options.FallbackLayout);
            return true;
        }
        catch (FlowInputException e) when (e.Unsupported && options.SkipUnsupported)
        {
            return false; // read whole, where the same error skips it
        }
    }

    private static void ScanOne(
        WorkItem item, ScanOptions options, BlockedOutboundSelector selector, Worker worker,
        System.Collections.Concurrent.ConcurrentDictionary<string, bool> changed)
    {
        var diagnostics = worker.Accumulator.Diagnostics;
        if (item.Parquet is { } plan)
        {
            ScanRowGroup(item, plan, options, selector, worker);
            return;
        }
        if (item.Layout is null && (options.SmallFileReads ?? SmallFileReader.Enabled)
            && worker.Files.TryOpenText(
                item.File, options.Format,
                (options.InflateWhole ?? InputOpener.WholeFileInflate) && LibDeflate.Available)
                is { } text)
        {
            var handler = new FlowRecordHandler(worker.Accumulator, selector, options.From, options.To);
            try
            {
                TextFlowReader.Read(
                    text, item.File.Path, options.FallbackLayout, ref handler, options.Mode, worker.Buffer);
            }
            finally
            {
                worker.Files.Trim();
            }
            diagnostics.Files++;
            diagnostics.Bytes += Math.Max(0, item.File.Length);
            return;
        }
        if (item.Layout is null)
        {
            Func<Stream, Stream>? wrap = worker.Counter is { } counter ? counter.Wrap : null;
            using var input = InputOpener.Open(item.File, options.Format, options.InflateWhole, wrap);
            var handler = new FlowRecordHandler(worker.Accumulator, selector, options.From, options.To);
            switch (input.Format)
            {
                case InputFormat.Json:
                    JsonFlowReader.Read(
                        input.Stream, item.File.Path, options.FallbackLayout, ref handler, options.Mode, worker.Buffer);
                    break;
                case InputFormat.Parquet:
                    ParquetFlowReader.Read(input.Stream, item.File.Path, ref handler, options.ParquetPages);
                    break;
                default:
                    TextFlowReader.Read(
                        input.Stream, item.File.Path, options.FallbackLayout, ref handler, options.Mode, worker.Buffer);
                    break;
            }
            diagnostics.Files++;
            diagnostics.Bytes += Math.Max(0, item.File.Length);
            return;
        }
        var file = new FileStream(
            item.File.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        using (var stream = worker.Counter?.Wrap(file) ?? file)
        {
            var handler = new FlowRecordHandler(worker.Accumulator, selector, options.From, options.To, item.Segment);
            try
            {
                TextFlowReader.ReadSegment(
                    stream, item.Start, item.End, item.File.Path, item.Layout, ref handler, options.Mode,
                        worker.Buffer);
            }
            catch (IOException e)
            {
                throw new FlowInputException($"{item.File.Path}: read error ({e.Message})", e);
            }
            diagnostics.EndSegment(item.File.Path, item.Segment, handler.LastLine);
            if (handler.LayoutChanged && item.End < item.File.Length)
                changed[item.File.Path] = true;
        }
        if (item.Segment == 0)
            diagnostics.Files++;
        diagnostics.Bytes += item.End - item.Start;
    }

    private static void ScanRowGroup(
        WorkItem item, ParquetPlan plan, ScanOptions options, BlockedOutboundSelector selector, Worker worker)
    {
        var diagnostics = worker.Accumulator.Diagnostics;
        FileStream file;
        try
        {
            file = new FileStream(item.File.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FlowInputException($"{item.File.Path}: read error ({e.Message})", e);
        }
        using (var stream = worker.Counter?.Wrap(file) ?? file)
        {
            var handler = new FlowRecordHandler(worker.Accumulator, selector, options.From, options.To, item.Segment);
            ParquetFlowReader.ReadRowGroup(stream, item.File.Path, plan, item.Segment, ref handler);
            diagnostics.EndSegment(item.File.Path, item.Segment, handler.LastLine);
        }
        if (item.Segment == 0)
            diagnostics.Files++;
        diagnostics.Bytes += item.Size;
    }

    private sealed record Worker(ScanAccumulator Accumulator, byte[] Buffer)
    {
        public SmallFileReader Files { get; } = new();
        public ItemProgress? Counter { get; init; }
    }
}
