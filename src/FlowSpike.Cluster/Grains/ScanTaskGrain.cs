using FlowSpike.Aggregation;
using FlowSpike.Cluster.Hosting;
using FlowSpike.Cluster.Wire;
using Orleans.Placement;

namespace FlowSpike.Cluster.Grains;

/// <summary>
/// Scans one input object with <see cref="FlowScanner"/> (single-threaded: the cluster runs many tasks at once) and
/// persists the result before answering. Placed on the silo whose worker pulled the task, so the scan runs there.
/// </summary>
[PreferLocalPlacement]
internal sealed class ScanTaskGrain(
    [PersistentState("task", ClusterNames.Storage)] IPersistentState<ScanTaskState> state,
    ScanSlots slots) : Grain, IScanTaskGrain
{
    public async Task<ScanReport> Run(ScanMessage job, ScanTask task)
    {
        if (state.State.Report is { } done)
            return done;
        var options = ScanMessages.Options(job);
        var input = ScanMessages.Input(job, task);
        await slots.Gate.WaitAsync();
        ScanResult scan;
        try
        {
            // Off the grain's scheduler: a scan is seconds of CPU and blocking reads.
            scan = await Task.Run(() => FlowScanner.Scan([input], options));
        }
        finally
        {
            slots.Gate.Release();
        }
        var d = scan.Diagnostics;
        state.State.Slices = PartialCodec.Split(scan.Partial, job.Shards, options.Entities);
        state.State.Report = new ScanReport(d.Bytes, d.Lines, d.Counted, d.Malformed, [.. d.MalformedSamples],
            d.Elapsed.TotalSeconds, RuntimeIdentity,
            new Dictionary<long, long>(d.RecordsByWindow),
            [.. d.Skipped.Select(k => new SkippedReport(k.Source, k.Reason, k.Message))], d.Parsed);
        await state.WriteStateAsync();
        return state.State.Report;
    }

    public async Task Save(ScanReport report, SourceStats[][] slices)
    {
        state.State.Slices = slices;
        state.State.Report = report;
        await state.WriteStateAsync();
    }

    public Task<SourceStats[]> Slice(int shard)
    {
        if (state.State.Report is null)
            throw new InvalidOperationException($"scan task {this.GetPrimaryKeyString()} has not run");
        return Task.FromResult(shard < state.State.Slices.Length ? state.State.Slices[shard] : []);
    }

    public async Task Forget()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}
