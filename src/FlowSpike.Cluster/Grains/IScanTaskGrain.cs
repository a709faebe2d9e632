using FlowSpike.Cluster.Wire;

namespace FlowSpike.Cluster.Grains;

/// <summary>
/// One input object of one job, keyed by its task id. <see cref="Run"/> scans it once with the local fast path and
/// persists the result split by shard before it answers, so a retry on another silo finds the result or redoes the
/// same deterministic scan; the shards read their slices from here.
/// </summary>
internal interface IScanTaskGrain : IGrainWithStringKey
{
    Task<ScanReport> Run(ScanMessage job, ScanTask task);

    /// <summary>Stores a result scanned by a silo's queue consumer (the same object and settings give the same
    /// result, so a repeat only writes it again).</summary>
    Task Save(ScanReport report, SourceStats[][] slices);

    /// <summary>This task's cells for one shard; fails if the task has not run.</summary>
    Task<SourceStats[]> Slice(int shard);

    /// <summary>Drops the stored result once the job no longer needs it.</summary>
    Task Forget();
}
