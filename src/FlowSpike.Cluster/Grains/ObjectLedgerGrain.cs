using FlowSpike.Cluster.Wire;
using FlowSpike.State;

namespace FlowSpike.Cluster.Grains;

internal sealed class ObjectLedgerGrain(
    [PersistentState("object-ledger", ClusterNames.Storage)] IPersistentState<ObjectLedgerState> state)
    : Grain, IObjectLedgerGrain
{
    private ObjectLedgerState S => state.State;

    public Task<LedgerRow?> Find(string path) => Task.FromResult(S.Rows.GetValueOrDefault(path));

    public async Task RecordFailure(LedgerRow row, long open)
    {
        if (S.Rows.TryGetValue(row.Path, out var seen) && seen.Status != LedgerEntry.Failed)
            return;
        S.Rows[row.Path] = row;
        S.Horizon[row.Path] = Math.Max(open, S.LateBefore);
        await state.WriteStateAsync();
    }

    public async Task<bool> Commit(LedgerRow row, string taskId, Dictionary<long, long> recordsByWindow, long open)
    {
        if (S.Rows.TryGetValue(row.Path, out var seen) && seen.Status != LedgerEntry.Failed)
            return false;
        S.LateBefore = Math.Max(S.LateBefore, open);
        long late = 0, horizon = S.LateBefore;
        foreach (var (w, n) in recordsByWindow)
        {
            horizon = Math.Max(horizon, w);
            if (w < S.LateBefore)
            {
                late += n;
                S.Late[w] = S.Late.GetValueOrDefault(w) + n;
                continue;
            }
            if (!S.Tasks.TryGetValue(w, out var tasks))
                S.Tasks[w] = tasks = [];
            if (!tasks.Contains(taskId))
                tasks.Add(taskId);
            S.Present[w] = S.Present.GetValueOrDefault(w) + n;
        }
        S.Rows[row.Path] = row with { Late = row.Late + late };
        S.Horizon[row.Path] = horizon;
        await state.WriteStateAsync();
        return true;
    }

    public Task<long> Present(long window) => Task.FromResult(S.Present.GetValueOrDefault(window));

    public async Task<WindowClaim> Seal(long window, long lateBefore)
    {
        if (lateBefore > S.LateBefore)
        {
            S.LateBefore = lateBefore;
            await state.WriteStateAsync();
        }
        return new WindowClaim([.. S.Tasks.GetValueOrDefault(window) ?? []], S.Present.GetValueOrDefault(window));
    }

    public async Task Closed(long window, long pruneBefore)
    {
        bool changed = S.Tasks.Remove(window) | S.Present.Remove(window);
        foreach (var (path, horizon) in S.Horizon.ToList())
        {
            if (horizon >= pruneBefore)
                continue;
            S.Horizon.Remove(path);
            S.Rows.Remove(path);
            changed = true;
        }
        if (changed)
            await state.WriteStateAsync();
    }

    public Task<Dictionary<long, long>> Late() => Task.FromResult(new Dictionary<long, long>(S.Late));

    public Task<int> Rows() => Task.FromResult(S.Rows.Count);
}
