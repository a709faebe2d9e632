namespace FlowSpike.Cluster.Hosting;

/// <summary>Bounds the scans one silo runs at once to its cores; tasks beyond that wait in the silo.</summary>
internal sealed class ScanSlots(int slots) : IDisposable
{
    public int Count { get; } = Math.Max(1, slots);

    public SemaphoreSlim Gate { get; } = new(Math.Max(1, slots));

    public void Dispose() => Gate.Dispose();
}
