using FlowSpike.Cluster.Wire;

namespace FlowSpike.Cluster.Grains;

/// <summary>
/// One partition of a queue watch's ledger (key: state, '/', partition; <see cref="LedgerPartitions"/>): the
/// objects whose identity hashes to it, and their task ids and records per open window. Partitions spread the
/// claims over the cluster and keep each persisted state small: rows are pruned once their windows closed more than
/// the lateness ago, so a state holds only the objects of the last few windows, never the history.
/// </summary>
internal interface IObjectLedgerGrain : IGrainWithStringKey
{
    Task<LedgerRow?> Find(string path);

    /// <summary>An object that cannot be counted; never replaces a count. <paramref name="open"/>: the first open
    /// window when it was read, which keeps the row until that window closed long enough ago.</summary>
    Task RecordFailure(LedgerRow row, long open);

    /// <summary>Claims the object for the task holding its counts; false when it is already counted. Records for a
    /// window before <paramref name="open"/> or sealed here are counted as late.</summary>
    Task<bool> Commit(LedgerRow row, string taskId, Dictionary<long, long> recordsByWindow, long open);

    /// <summary>Records that objects of this partition brought for the window so far.</summary>
    Task<long> Present(long window);

    /// <summary>No record reaches a window before <paramref name="lateBefore"/> any more: returns the window's tasks
    /// and records as they stand now (a repeat returns the same).</summary>
    Task<WindowClaim> Seal(long window, long lateBefore);

    /// <summary>The window is closed: its tasks are dropped, and rows whose windows all lie before
    /// <paramref name="pruneBefore"/> are pruned (a redelivery of such an object is counted as late).</summary>
    Task Closed(long window, long pruneBefore);

    /// <summary>Late records by window (arrived after their window closed).</summary>
    Task<Dictionary<long, long>> Late();

    /// <summary>Rows kept now (for tests and metrics).</summary>
    Task<int> Rows();
}
