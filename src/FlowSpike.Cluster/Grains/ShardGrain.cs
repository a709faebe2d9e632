using System.Globalization;
using FlowSpike.Aggregation;
using FlowSpike.Alerts;
using FlowSpike.Cluster.Wire;
using FlowSpike.Detection;
using FlowSpike.Selection;

namespace FlowSpike.Cluster.Grains;

/// <summary>
/// Holds one shard's baselines. Each host's EWMA sequence lives in exactly one shard and is stepped window by window
/// in order, so the floating-point results are those of a local run.
/// </summary>
internal sealed class ShardGrain(
    [PersistentState("shard", ClusterNames.Storage)] IPersistentState<ShardState> state) : Grain, IShardGrain
{
    /// <summary>FLOWSPIKE_TEST_WINDOW_DELAY_MS slows each window between its step and its write, so a kill can land in
    /// between.</summary>
    private static readonly int WindowDelayForTests =
        int.TryParse(Environment.GetEnvironmentVariable("FLOWSPIKE_TEST_WINDOW_DELAY_MS"), out int ms) ? ms : 0;

    private string? _cachedRun;
    private WindowPartial? _cached;
    private EntityRegistry? _names;

    private int Shard => int.Parse(this.GetPrimaryKeyString().AsSpan(this.GetPrimaryKeyString().LastIndexOf('/') + 1),
        CultureInfo.InvariantCulture);

    public async Task<int> Baseline(BaselineMessage job)
    {
        if (state.State.BaselineRunId == job.RunId)
            return state.State.Rows.Count;
        // A new baseline starts the shard's names afresh, as it replaces every row.
        state.State.Entity = job.Entity;
        state.State.Names = [];
        _names = null;
        _cachedRun = null;
        var names = Names();
        var buckets = await Gather(job.TaskIds, job.SpanSeconds, names);
        var rows = BaselineReplay.For(job.Policy.Model, buckets, job.From, job.To, job.Policy.Rules);
        state.State.Rows = rows.ToDictionary(kv => kv.Key, kv => RowState.From(kv.Value));
        SaveNames(names);
        state.State.BaselineRunId = job.RunId;
        state.State.LastClosed = null;
        state.State.LastResult = null;
        await WriteOrReload();
        return rows.Count;
    }

    public async Task<WindowShardResult> CloseWindow(DetectMessage job, long window)
    {
        if (state.State.LastClosed == window && state.State.LastResult is { } done)
            return done;
        if (state.State.LastClosed is { } last && window <= last)
            throw new InvalidOperationException($"shard {this.GetPrimaryKeyString()}: window {window} comes before " +
                $"the last closed window {last}");
        if (state.State.Rows.Count == 0 && state.State.Names.Count == 0)
            state.State.Entity = job.Entity;
        var names = Names();
        if (_cachedRun != job.RunId || _cached is null)
        {
            _cached = await Gather(job.TaskIds, job.WindowSeconds, names);
            _cachedRun = job.RunId;
        }
        var settings = job.Policy.Settings;
        var model = job.Policy.CreateModel();
        var filter = job.Policy.Filter;
        var table = new BaselineTable(state.State.Rows.Values.Select(r => r.ToRow()), names);
        var sources = _cached.SourcesIn(window);
        var result = WindowStep.Run(window, window + job.WindowSeconds, sources, table, model, filter, settings);
        foreach (var row in result.ChangedRows)
            state.State.Rows[row.Src] = RowState.From(row);
        var active = RolloutAwareness.ActiveHosts(sources.Values);
        var alerting = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var alert in result.Alerts)
            alerting[alert.Host] = [.. alert.Accounts];
        SaveNames(names);
        var outcome = new WindowShardResult([.. result.Alerts.Select(AlertJson.Serialize)], result.Allowlisted,
            result.ActiveSources, result.CountedRecords, active, alerting);
        if (WindowDelayForTests > 0)
            await Task.Delay(WindowDelayForTests);
        state.State.LastClosed = window;
        state.State.LastResult = outcome;
        // Persisted before answering: an acknowledged window survives this silo.
        await WriteOrReload();
        return outcome;
    }

    /// <summary>A failed write leaves memory ahead of storage: drop this activation so the next call reloads what was
    /// stored.</summary>
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

    /// <summary>The rows, hosts beyond IPv4 sources with their names (their numbers are this shard's own).</summary>
    public Task<RowState[]> Rows()
    {
        var names = Names();
        return Task.FromResult(state.State.Rows.Values.Select(r => PartialCodec.IsNamed(names,
            r.Src) ? r with { Name = names.NameOf(r.Src) } : r).ToArray());
    }

    /// <summary>The shard's entity registry, restored from its state once per activation.</summary>
    private EntityRegistry Names()
    {
        if (_names is not null)
            return _names;
        if (!EntityRegistry.TryParseKind(state.State.Entity, out var kind))
            throw new InvalidOperationException($"shard {this.GetPrimaryKeyString()}: unknown entity keying " +
                $"'{state.State.Entity}'");
        var names = new EntityRegistry(kind);
        for (int i = 0; i < state.State.Names.Count; i++)
            names.Load(names.FirstKey + (uint)i, state.State.Names[i]);
        return _names = names;
    }

    /// <summary>Names go into the state with the rows that use them, in the same write.</summary>
    private void SaveNames(EntityRegistry names)
    {
        foreach (var (_, name) in names.Unsaved())
            state.State.Names.Add(name);
        names.MarkSaved(names.Count);
    }

    /// <summary>Reads this shard's slice of every task result and merges them with the library's merge.</summary>
    private async Task<WindowPartial> Gather(string[] taskIds, long windowSeconds, EntityRegistry names)
    {
        int shard = Shard;
        var partial = new WindowPartial(windowSeconds);
        foreach (var batch in taskIds.Chunk(64))
        {
            var slices = await Task.WhenAll(batch.Select(id =>
                ClusterRetry.Run(() => GrainFactory.GetGrain<IScanTaskGrain>(id).Slice(shard), $"slice of task {id}")));
            foreach (var slice in slices)
                PartialCodec.MergeInto(partial, slice, names);
        }
        return partial;
    }
}
