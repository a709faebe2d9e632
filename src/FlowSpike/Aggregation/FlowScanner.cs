using FlowSpike.Records;
using FlowSpike.Selection;

namespace FlowSpike.Aggregation;

/// <summary>
/// Scans inputs in parallel: each worker owns an accumulator and a read buffer, and the partials are merged at the end.
/// </summary>
public static class FlowScanner
{
    public static ScanResult Scan(IReadOnlyList<InputFile> files, ScanOptions options, CancellationToken cancellation = default)
    {
        var total = new WindowPartial(options.WindowSeconds);
        var diagnostics = new ScanDiagnostics();
        var gate = new Lock();
        var selector = new BlockedOutboundSelector(options.Internal);
        // Largest first, so one big file does not start last and leave the other cores idle.
        var ordered = files.OrderByDescending(f => f.Length).ToList();
        try
        {
            Parallel.ForEach(
                ordered,
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Threads), CancellationToken = cancellation },
                () => new Worker(new ScanAccumulator(options.From, options.WindowSeconds, options.KeepDetails), new byte[options.BufferSize]),
                (file, _, worker) =>
                {
                    ScanOne(file, options, selector, worker);
                    return worker;
                },
                worker =>
                {
                    var partial = worker.Accumulator.ToPartial();
                    lock (gate)
                    {
                        total.Merge(partial);
                        diagnostics.Merge(worker.Accumulator.Diagnostics);
                    }
                });
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<FlowInputException>().FirstOrDefault() is { } first)
        {
            throw first;
        }
        return new ScanResult(total, diagnostics);
    }

    private static void ScanOne(InputFile file, ScanOptions options, BlockedOutboundSelector selector, Worker worker)
    {
        using var stream = InputOpener.Open(file);
        var sink = new FlowRecordSink(worker.Accumulator, selector, options.From, options.To);
        TextFlowReader.Read(stream, file.Path, options.FallbackLayout, ref sink, options.Mode, worker.Buffer);
        worker.Accumulator.Diagnostics.Files++;
        worker.Accumulator.Diagnostics.Bytes += Math.Max(0, file.Length);
    }

    private sealed record Worker(ScanAccumulator Accumulator, byte[] Buffer);
}
