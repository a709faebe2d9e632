using System.Diagnostics;
using FlowSpike.Aggregation;
using FlowSpike.Alerts;
using FlowSpike.Detection;
using FlowSpike.Models;
using FlowSpike.State;

namespace FlowSpike.Bench;

/// <summary>Writing the state after a window in which N distinct sources were active, all of them seeded.</summary>
public static class StateWriteBenchmark
{
    public static int Run(int sources)
    {
        string path = Path.Combine(Path.GetTempPath(), $"flowspike-state-bench-{Environment.ProcessId}.db");
        try
        {
            var rows = new List<BaselineRow>(sources);
            var window = new Dictionary<uint, SourceWindowStats>(sources);
            for (int i = 0; i < sources; i++)
            {
                uint ip = 0x0A000000u + (uint)i;
                rows.Add(new BaselineRow(ip, 3, 10, 4.5, 1.25));
                window[ip] = new SourceWindowStats { Count = 1 + i % 7 };
            }
            using var store = SqliteStateStore.Open(path);
            var clock = Stopwatch.StartNew();
            store.ReplaceBaseline(rows, 0, 3600, 3600);
            Console.WriteLine($"baseline of {sources:N0} sources written in {clock.Elapsed.TotalSeconds:F2} s");
            var table = new BaselineTable(store.LoadLookup());
            clock.Restart();
            var result =
                WindowStep.Run(3600, 7200, window, table, new SplunkModel(SpikeSettings.Default), AlertFilter.None,
                    SpikeSettings.Default);
            double step = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var history =
                result.ChangedRows.Select(r =>
                    new HistoryRow(3600, r.Src, r.LatestCount ?? 0, r.Avg, r.Stdev, r.NumDataPoints, null, false, null,
                        false)).ToList();
            store.CommitWindow(new WindowCommit { Result = result, WindowSeconds = 3600, History = history });
            double commit = clock.Elapsed.TotalSeconds;
            Console.WriteLine(
                $"window with {sources:N0} active sources: model step {step:F2} s, state commit {commit:F2} s "
                + $"({result.ChangedRows.Count:N0} rows, with history)");
            // The next window without history (--history-retention 0).
            var next =
                WindowStep.Run(7200, 10800, window, table, new SplunkModel(SpikeSettings.Default), AlertFilter.None,
                    SpikeSettings.Default);
            clock.Restart();
            store.CommitWindow(new WindowCommit { Result = next, WindowSeconds = 3600 });
            Console.WriteLine(
                $"window with {sources:N0} active sources: state commit {clock.Elapsed.TotalSeconds:F2} s without "
                + "history");
            return 0;
        }
        finally
        {
            foreach (string f in new[] { path, path + "-wal", path + "-shm", path + ".lock" })
                File.Delete(f);
        }
    }
}
