using System.Security.Cryptography;
using System.Text;
using FlowSpike.Aggregation;
using FlowSpike.Cluster.Grains;
using FlowSpike.Cluster.Wire;
using FlowSpike.Queue;
using FlowSpike.State;

namespace FlowSpike.Cluster;

/// <summary>
/// The cluster's ledger as a silo's queue consumer sees it: an object's counts are stored split by shard in its scan
/// task, then claimed in the ledger partition its identity hashes to (<see cref="IObjectLedgerGrain"/>), which takes
/// each object once for the whole cluster. Called from the consumer's own threads, never from a grain's scheduler,
/// so waiting is safe.
/// </summary>
internal sealed class ClusterLedger(IGrainFactory grains, string stateName, QueueWatchMessage job) : ICountLedger
{
    /// <summary>The first open window of the last scan's options: keeps a failure's row for as long.</summary>
    private long _open = long.MinValue;

    private IObjectLedgerGrain Part(string path) => LedgerPartitions.For(grains, stateName, path);

    public LedgerEntry? Find(string path) =>
        Call(() => Part(path).Find(path), "ledger") is { } row
            ? new LedgerEntry(row.Path, row.Size, row.Version, row.Status, row.Records, row.Late, row.Error)
            : null;

    public void RecordFailure(LedgerEntry entry) => Call(async () =>
    {
        await Part(entry.Path).RecordFailure(Row(entry), Volatile.Read(ref _open));
        return 0;
    }, "ledger");

    public bool Commit(LedgerEntry entry, ScanResult scan, ScanOptions options, long clock)
    {
        var d = scan.Diagnostics;
        string taskId = TaskId(entry);
        var report = new ScanReport(d.Bytes, d.Lines, d.Counted, d.Malformed, [.. d.MalformedSamples],
            d.Elapsed.TotalSeconds, Environment.MachineName, new Dictionary<long, long>(d.RecordsByWindow), [],
            d.Parsed);
        var slices = PartialCodec.Split(scan.Partial, job.Scan.Shards, options.Entities);
        Call(async () =>
        {
            await grains.GetGrain<IScanTaskGrain>(taskId).Save(report, slices);
            return 0;
        }, $"counts of {entry.Path}");
        return Call(() => Part(entry.Path).Commit(Row(entry), taskId,
            new Dictionary<long, long>(d.RecordsByWindow), options.From), "ledger");
    }

    public ScanOptions Options(long open, long size)
    {
        Volatile.Write(ref _open, open);
        return ScanMessages.Options(job.Scan with { From = open, To = open + size * (1L << 30), KeepDetails = true });
    }

    private static LedgerRow Row(LedgerEntry e) => new(e.Path, e.Size, e.Version, e.Status, e.Records, e.Late,
        e.Error);

    /// <summary>One task per object version and state: a redelivery rewrites the same task.</summary>
    private string TaskId(LedgerEntry e) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join('\n', "queue", stateName, e.Path, e.Version))).AsSpan(0, 16));

    private static T Call<T>(Func<Task<T>> call, string what) =>
        ClusterRetry.Run(call, what).GetAwaiter().GetResult();
}
