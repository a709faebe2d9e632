using FlowSpike.Cluster.Wire;

namespace FlowSpike.Cluster.Grains;

/// <summary>The record of one named state (key: the state's name): model, shard count, committed mark, applied windows.</summary>
public interface IStateGrain : IGrainWithStringKey
{
    Task<StateMeta> Get();

    /// <summary>After every shard took the baseline: the mark moves to its end and the applied windows are forgotten.</summary>
    Task Baselined(string model, string entity, int shards, long from, long to);

    /// <summary>After every shard applied the window and its alerts were delivered; <paramref name="marks"/> are its new suppression marks.</summary>
    Task Applied(long window, long windowSeconds, Dictionary<string, long> marks);
}
