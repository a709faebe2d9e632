using FlowSpike.Cluster.Wire;

namespace FlowSpike.Cluster.Grains;

internal sealed class StateGrain(
    [PersistentState("state", ClusterNames.Storage)] IPersistentState<StateMeta> state) : Grain, IStateGrain
{
    public Task<StateMeta> Get() => Task.FromResult(state.State);

    public async Task Baselined(string model, string entity, int shards, long from, long to, long spanSeconds)
    {
        state.State.BaselineSpanSeconds = spanSeconds;
        state.State.Model = model;
        state.State.Entity = entity;
        state.State.Shards = shards;
        state.State.BaselineFrom = from;
        state.State.CommittedUntil = to;
        state.State.Closed = [];
        await state.WriteStateAsync();
    }

    public async Task Closed(long window, long windowSeconds, Dictionary<string, long> marks, List<OutboxEntry> alerts)
    {
        if (!state.State.Closed.Add(window))
            return;
        foreach (var (key, until) in marks)
            state.State.Quiet[key] = until;
        var held = state.State.Outbox.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        state.State.Outbox.AddRange(alerts.Where(a => a.Due.Count > 0 && held.Add(a.Id)));
        state.State.CommittedUntil = Math.Max(state.State.CommittedUntil ?? long.MinValue, window + windowSeconds);
        await state.WriteStateAsync();
    }

    public Task<List<OutboxEntry>> HeldFor(string sink, long? now) => Task.FromResult(state.State.Outbox
        .Where(e => e.Due.TryGetValue(sink, out var due) && (now is null || due.RetryAt is null || due.RetryAt <= now))
        .ToList());

    public async Task Delivered(string sink, List<string> alertIds)
    {
        var ids = alertIds.ToHashSet(StringComparer.Ordinal);
        bool changed = false;
        foreach (var entry in state.State.Outbox.Where(e => ids.Contains(e.Id)))
            changed |= entry.Due.Remove(sink);
        if (!changed)
            return;
        state.State.Outbox.RemoveAll(e => e.Due.Count == 0);
        await state.WriteStateAsync();
    }

    public async Task Rejected(string sink, string alertId, string reason, long retryAt)
    {
        var entry = state.State.Outbox.Find(e => e.Id == alertId);
        if (entry is null || !entry.Due.TryGetValue(sink, out var due))
            return;
        due.Attempts++;
        due.RetryAt = retryAt;
        due.LastError = reason;
        await state.WriteStateAsync();
    }

    public Task<List<string>> SinksWithHeld() => Task.FromResult(state.State.Outbox
        .SelectMany(e => e.Due.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList());

    public async Task<int> MoveHeld(string from, string to)
    {
        int moved = 0;
        bool changed = false;
        foreach (var entry in state.State.Outbox)
        {
            if (!entry.Due.Remove(from, out var due))
                continue;
            changed = true;
            if (entry.Due.TryAdd(to, due))
                moved++;
        }
        if (changed)
            await state.WriteStateAsync();
        return moved;
    }
}
