using FlowSpike.Cluster.Wire;

namespace FlowSpike.Cluster.Grains;

/// <summary>
/// `cluster watch --queue` of one state (key: the state's name): the first open window and when a window may close.
/// The ledger shared by every silo, which claims an object once however many silos receive it, lives in its
/// partitions (<see cref="IObjectLedgerGrain"/>); a claim seals the window on each of them.
/// A window eligible by the clock closes once every live silo has finished a round that began after that and found
/// the queue drained, and once the messages a dead silo had in flight have come back and been drained too.
/// </summary>
internal interface IQueueWatchGrain : IGrainWithStringKey
{
    /// <summary>The coordinator starts consuming from <paramref name="open"/> (a repeat replaces the job).</summary>
    Task Start(QueueWatchMessage job, long open);

    /// <summary>The coordinator leaves: consumers stop after their round.</summary>
    Task Stop();

    /// <summary>A silo starts a round; null when no watch runs.</summary>
    Task<QueueRoundTicket?> BeginRound(SiloAddress silo);

    /// <summary>The round is over: its messages are committed or left; <paramref name="drained"/> when its last
    /// receive found the queue exhausted and nothing it left may add records.</summary>
    Task EndRound(SiloAddress silo, Guid activation, long epoch, bool drained);

    /// <summary>The window, when it may close; null while it must wait. The windows from it to
    /// <paramref name="eligibleThrough"/> are those the clock allows now (their end plus lateness is past). With
    /// <paramref name="allowEmpty"/> false, a window no object brought a record for is returned with 0 records and
    /// not claimed.</summary>
    Task<WindowClaim?> Claim(long window, long windowSeconds, long eligibleThrough, bool allowEmpty);

    /// <summary>The window is closed on every shard and recorded: its objects are no longer needed, and rows of
    /// windows closed more than the lateness ago are pruned.</summary>
    Task Closed(long window);

    /// <summary>A point in the order of events: <see cref="DrainedSince"/> tells when every silo drained after
    /// it.</summary>
    Task<long> Mark();

    Task<bool> DrainedSince(long mark);

    /// <summary>Late records by window (arrived after their window closed).</summary>
    Task<Dictionary<long, long>> Late();
}
