using System.Globalization;
using FlowSpike.Aggregation;
using FlowSpike.Alerts;
using FlowSpike.Baseline;
using FlowSpike.Cluster.Wire;
using FlowSpike.Detection;
using FlowSpike.Runs;
using FlowSpike.Selection;

namespace FlowSpike.Cluster.Grains;

/// <summary>
/// Holds one shard's baselines. Each host's EWMA sequence lives in exactly one shard and is stepped window by window
/// in order, so the floating-point results are those of a local run.
/// </summary>
public sealed class ShardGrain(
    [PersistentState("shard", ClusterNames.Storage)] IPersistentState<ShardState> state) : Grain, IShardGrain
{
    /// <summary>FLOWSPIKE_TEST_WINDOW_DELAY_MS slows each window between its step and its write, so a kill can land in between.</summary>
    private static readonly int WindowDelayForTests = int.TryParse(Environment.GetEnvironmentVariable("FLOWSPIKE_TEST_WINDOW_DELAY_MS"), out int ms) ? ms : 0;

    private string? _cachedRun;
    private WindowPartial? _cached;

    private int Shard => int.Parse(this.GetPrimaryKeyString().AsSpan(this.GetPrimaryKeyString().LastIndexOf('/') + 1), CultureInfo.InvariantCulture);

    public async Task<int> Baseline(BaselineJob job)
    {
        if (state.State.BaselineRunId == job.RunId)
            return state.State.Rows.Count;
        var buckets = await Gather(job.TaskIds, job.SpanSeconds);
        // The same builders as a local baseline: the seed's support search, or a replay through a learning model.
        var rows = job.Model == SplunkModel.ModelName
            ? BaselineBuilder.Build(buckets)
            : BaselineBuilder.Replay(buckets, job.From, job.To, SpikeModels.Create(job.Model, SpikeSettings.Default));
        state.State.Rows = rows.ToDictionary(kv => kv.Key, kv => RowState.From(kv.Value));
        state.State.BaselineRunId = job.RunId;
        state.State.LastApplied = null;
        state.State.LastResult = null;
        await WriteOrReload();
        return rows.Count;
    }

    public async Task<WindowShardResult> ApplyWindow(DetectJob job, long window)
    {
        if (state.State.LastApplied == window && state.State.LastResult is { } done)
            return done;
        if (state.State.LastApplied is { } last && window <= last)
            throw new InvalidOperationException($"shard {this.GetPrimaryKeyString()}: window {window} comes before the last applied window {last}");
        if (_cachedRun != job.RunId || _cached is null)
        {
            _cached = await Gather(job.TaskIds, job.WindowSeconds);
            _cachedRun = job.RunId;
        }
        var settings = new SpikeSettings { DeviationThreshold = job.DeviationThreshold, DataPointThreshold = job.DataPointThreshold, Weight = job.Weight };
        var model = new AlertPolicy { Settings = settings, Model = job.Model }.CreateModel();
        var filter = new AlertFilter(CidrSet.Parse(job.AllowSrc), CidrSet.Parse(job.AllowDest));
        var table = new BaselineTable(state.State.Rows.Values.Select(r => r.ToRow()));
        var sources = _cached.SourcesIn(window);
        var result = WindowStep.Apply(window, window + job.WindowSeconds, sources, table, model, filter, settings);
        foreach (var row in result.ChangedRows)
            state.State.Rows[row.Src] = RowState.From(row);
        var active = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var stats in sources.Values)
        {
            foreach (string account in stats.Accounts ?? [])
                active[account] = active.GetValueOrDefault(account) + 1;
        }
        var alerting = new Dictionary<uint, string[]>();
        foreach (var alert in result.Alerts)
        {
            if (Ipv4.TryParse(alert.SrcIp, out uint src) && sources.TryGetValue(src, out var s))
                alerting[src] = [.. s.Accounts ?? []];
        }
        var outcome = new WindowShardResult([.. result.Alerts.Select(AlertJson.Serialize)], result.Suppressed, result.ActiveSources, result.CountedRecords, active, alerting);
        if (WindowDelayForTests > 0)
            await Task.Delay(WindowDelayForTests);
        state.State.LastApplied = window;
        state.State.LastResult = outcome;
        // Persisted before answering: an acknowledged window survives this silo.
        await WriteOrReload();
        return outcome;
    }

    /// <summary>A failed write leaves memory ahead of storage: drop this activation so the next call reloads what was stored.</summary>
    private async Task WriteOrReload()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    public Task<RowState[]> Rows() => Task.FromResult(state.State.Rows.Values.ToArray());

    /// <summary>Reads this shard's slice of every task result and merges them with the library's merge.</summary>
    private async Task<WindowPartial> Gather(string[] taskIds, long windowSeconds)
    {
        int shard = Shard;
        var partial = new WindowPartial(windowSeconds);
        foreach (var batch in taskIds.Chunk(64))
        {
            var slices = await Task.WhenAll(batch.Select(id =>
                ClusterRetry.Run(() => GrainFactory.GetGrain<IScanTaskGrain>(id).Slice(shard), $"slice of task {id}")));
            foreach (var slice in slices)
                PartialCodec.MergeInto(partial, slice);
        }
        return partial;
    }
}
