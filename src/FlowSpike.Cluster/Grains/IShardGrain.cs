using FlowSpike.Cluster.Wire;

namespace FlowSpike.Cluster.Grains;

/// <summary>
/// The baselines of the sources of one shard of one state (key "state/shard"). Windows are closed in time order and
/// each exactly once: the result of a closed window is persisted with the rows, and a repeated call returns it.
/// </summary>
internal interface IShardGrain : IGrainWithStringKey
{
    /// <summary>Replaces the shard's rows with the baseline of the given scan tasks; a repeat of the same run is a
    /// no-op.</summary>
    Task<int> Baseline(BaselineMessage job);

    /// <summary>Closes one window for this shard's sources with the library's window step.</summary>
    Task<WindowShardResult> CloseWindow(DetectMessage job, long window);

    Task<RowState[]> Rows();
}
