using System.Diagnostics;
using FlowSpike.Aggregation;
using FlowSpike.Records;

namespace FlowSpike.Bench;

/// <summary>
/// `scan-rate THREADS REPEATS PATH...`: the in-process scan alone (no start-up, no state), after one warm-up scan, for
/// the per-thread rates of scripts/bench-e2e.sh's scaling section. Prints the best of the repeats.
/// </summary>
public static class ScanRate
{
    public static int Run(int threads, int repeats, string[] paths)
    {
        var files = InputSet.Expand(paths);
        long bytes = files.Sum(f => f.Length);
        var options = new ScanOptions
        {
            From = HostsGenerator.From,
            To = HostsGenerator.From + 4 * 86400,
            WindowSeconds = 3600,
            Threads = threads,
        };
        FlowScanner.Scan(files, options);
        double best = double.MaxValue;
        long counted = 0, lines = 0;
        int gcs = GC.CollectionCount(0);
        for (int r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            var result = FlowScanner.Scan(files, options);
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
            counted = result.Diagnostics.Counted;
            lines = result.Diagnostics.Lines;
        }
        double mbps = bytes / 1e6 / best;
        Console.WriteLine(System.FormattableString.Invariant(
            $"scan-rate threads={threads} MB={bytes / 1e6:F0} lines={lines} counted={counted} best={best:F3}s ")
            + System.FormattableString.Invariant(
                $"{mbps:F0} MB/s ({mbps / threads:F0} MB/s per thread) gen0={GC.CollectionCount(0) - gcs}"));
        return 0;
    }
}
