using FlowSpike.Aggregation;
using FlowSpike.Alerts;
using FlowSpike.Detection;
using FlowSpike.Models;
using FlowSpike.Records;

namespace FlowSpike.Bench;

/// <summary>
/// `alloc THREADS PATH...`: bytes allocated by a detect run's in-memory stages over files of the `hosts` generator
/// (4 hourly windows): the scan with details, the window steps on an empty baseline, and rollout awareness's
/// active hosts per account. Prints the best of three runs after a warm-up, so JIT and first-use costs are left out.
/// </summary>
public static class AllocationRun
{
    public static int Run(int threads, string[] paths)
    {
        var files = InputSet.Expand(paths);
        var options = new ScanOptions
        {
            From = HostsGenerator.From,
            To = HostsGenerator.From + 4 * 3600,
            WindowSeconds = 3600,
            Threads = threads,
            KeepDetails = true,
        };
        long scanBest = long.MaxValue, stepBest = long.MaxValue, rolloutBest = long.MaxValue;
        long namesBest = long.MaxValue, nameCount = 0;
        int entries = 0;
        for (int run = 0; run < 4; run++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var partial = FlowScanner.Scan(files, options).Partial;
            long scanned = GC.GetTotalAllocatedBytes(precise: true);
            var table = new BaselineTable([]);
            var model = SpikeModels.Create(SplunkModel.ModelName, SpikeSettings.Default);
            foreach (var (window, sources) in partial.Windows.OrderBy(w => w.Key))
                WindowStep.Run(window, window + 3600, sources, table, model, AlertFilter.None, SpikeSettings.Default);
            long stepped = GC.GetTotalAllocatedBytes(precise: true);
            int accounts = 0;
            foreach (var sources in partial.Windows.Values)
                accounts += RolloutAwareness.ActiveHosts(sources.Values).Count;
            long rolled = GC.GetTotalAllocatedBytes(precise: true);
            // Every host's detail names, as watch's pending counts and the cluster's wire need them.
            long named = 0;
            foreach (var sources in partial.Windows.Values)
            {
                foreach (var stats in sources.Values)
                    named += Names(stats);
            }
            long listed = GC.GetTotalAllocatedBytes(precise: true);
            entries = partial.Windows.Values.Sum(w => w.Count);
            if (run == 0 || accounts < 0)
                continue;
            scanBest = Math.Min(scanBest, scanned - before);
            stepBest = Math.Min(stepBest, stepped - scanned);
            rolloutBest = Math.Min(rolloutBest, rolled - stepped);
            namesBest = Math.Min(namesBest, listed - rolled);
            nameCount = named;
        }
        Console.WriteLine(FormattableString.Invariant(
            $"alloc threads={threads} entries={entries} scan={scanBest / 1e6:F1} MB step={stepBest / 1e6:F1} MB ") +
            FormattableString.Invariant($"rollout={rolloutBest / 1e6:F1} MB per entry: ") +
            FormattableString.Invariant($"scan={scanBest / (double)entries:F0} B ") +
            FormattableString.Invariant($"step={stepBest / (double)entries:F0} B ") +
            FormattableString.Invariant($"rollout={rolloutBest / (double)entries:F0} B; ") +
            FormattableString.Invariant($"naming every host: {nameCount} names {namesBest / 1e6:F1} MB"));
        return 0;
    }

    /// <summary>What watch's pending counts and the cluster's codec call for every host.</summary>
    private static long Names(SourceWindowStats stats) =>
        stats.DestinationNames()!.Length + stats.InterfaceNames()!.Length + stats.AccountNames()!.Length;
}
