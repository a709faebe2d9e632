using FlowSpike.Cluster.Wire;

namespace FlowSpike.Cluster.Grains;

public sealed class StateGrain(
    [PersistentState("state", ClusterNames.Storage)] IPersistentState<StateMeta> state) : Grain, IStateGrain
{
    public Task<StateMeta> Get() => Task.FromResult(state.State);

    public async Task Baselined(string model, string entity, int shards, long from, long to)
    {
        state.State.Model = model;
        state.State.Entity = entity;
        state.State.Shards = shards;
        state.State.BaselineFrom = from;
        state.State.CommittedUntil = to;
        state.State.Applied = [];
        await state.WriteStateAsync();
    }

    public async Task Applied(long window, long windowSeconds, Dictionary<string, long> marks)
    {
        if (!state.State.Applied.Add(window))
            return;
        foreach (var (key, until) in marks)
            state.State.Quiet[key] = until;
        state.State.CommittedUntil = Math.Max(state.State.CommittedUntil ?? long.MinValue, window + windowSeconds);
        await state.WriteStateAsync();
    }
}
