using FlowSpike.Cluster.Wire;

namespace FlowSpike.Cluster.Grains;

/// <summary>
/// `cluster watch --queue` of one state (key: the state's name): the ledger shared by every silo, so an object is
/// claimed once however many silos receive it; the objects that hold each open window; and when a window may close.
/// A window eligible by the clock closes once every live silo has finished a round that began after that and found
/// the queue drained, and once the messages a dead silo held have come back and been drained too.
/// </summary>
public interface IQueueWatchGrain : IGrainWithStringKey
{
    /// <summary>The coordinator starts consuming from <paramref name="open"/> (a repeat replaces the job).</summary>
    Task Start(QueueWatchJob job, long open);

    /// <summary>The coordinator leaves: consumers stop after their round.</summary>
    Task Stop();

    /// <summary>A silo starts a round; null when no watch runs.</summary>
    Task<QueueRoundTicket?> BeginRound(SiloAddress silo);

    /// <summary>The round is over: its messages are committed or left; <paramref name="drained"/> when its last
    /// receive found the queue exhausted and nothing it left may add records.</summary>
    Task EndRound(SiloAddress silo, Guid activation, long epoch, bool drained);

    Task<LedgerRow?> Find(string path);

    /// <summary>An object that cannot be counted; never replaces a count.</summary>
    Task RecordFailure(LedgerRow row);

    /// <summary>Claims the object for the task holding its counts; false when it is already counted. Records for a
    /// window already closed (or closing) are counted as late.</summary>
    Task<bool> Commit(LedgerRow row, string taskId, Dictionary<long, long> recordsByWindow);

    /// <summary>The window, when it may close; null while it must wait. The windows from it to
    /// <paramref name="eligibleThrough"/> are those the clock allows now (their end plus lateness is past). With
    /// <paramref name="allowEmpty"/> false, a window no object brought a record for is returned with 0 records and
    /// not claimed.</summary>
    Task<WindowClaim?> Claim(long window, long windowSeconds, long eligibleThrough, bool allowEmpty);

    /// <summary>The window is applied on every shard and recorded: its objects are no longer needed.</summary>
    Task Closed(long window);

    /// <summary>A point in the order of events: <see cref="DrainedSince"/> tells when every silo drained after
    /// it.</summary>
    Task<long> Mark();

    Task<bool> DrainedSince(long mark);

    /// <summary>Late records by window (arrived after their window closed).</summary>
    Task<Dictionary<long, long>> Late();
}
