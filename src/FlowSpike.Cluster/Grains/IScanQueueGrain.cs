using FlowSpike.Cluster.Wire;

namespace FlowSpike.Cluster.Grains;

/// <summary>
/// The scan tasks of one run (key: the run's id), which the workers on every silo pull. A task leased to a silo that
/// the cluster declares dead goes back to the queue.
/// </summary>
internal interface IScanQueueGrain : IGrainWithStringKey
{
    /// <summary>Fills the queue once; a repeat is a no-op.</summary>
    Task Enqueue(ScanMessage job, ScanTask[] tasks);

    /// <summary>Up to <paramref name="max"/> tasks for the worker on <paramref name="silo"/>; null when none is
    /// waiting.</summary>
    Task<ScanLease?> Take(SiloAddress silo, int max);

    Task Complete(string taskId, ScanReport report);

    /// <summary>A task whose input cannot be read: the run stops with this message, as a local run would.</summary>
    Task Fail(string taskId, string error);

    Task<QueueStatus> Status();

    /// <summary>Every task's report, once all are done.</summary>
    Task<ScanReport[]> Reports();

    /// <summary>Drops the queue after its run.</summary>
    Task Close();
}
