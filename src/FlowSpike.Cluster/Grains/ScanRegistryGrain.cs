namespace FlowSpike.Cluster.Grains;

internal sealed class ScanRegistryGrain(
    [PersistentState("registry",
        ClusterNames.Storage)] IPersistentState<ScanRegistryState> state) : Grain, IScanRegistryGrain
{
    public async Task Open(string queue)
    {
        if (state.State.Queues.Add(queue))
            await state.WriteStateAsync();
    }

    public async Task Closed(string queue)
    {
        if (state.State.Queues.Remove(queue))
            await state.WriteStateAsync();
    }

    public Task<string[]> Queues() => Task.FromResult(state.State.Queues.ToArray());
}
