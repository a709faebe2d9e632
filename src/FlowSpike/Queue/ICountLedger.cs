using FlowSpike.Aggregation;
using FlowSpike.Runs;
using FlowSpike.State;

namespace FlowSpike.Queue;

/// <summary>
/// Where queue mode records what it counted: the local state (one machine) or the cluster's shared ledger. Both run
/// the same receive, read, count and delete sequence (<see cref="QueueConsumer"/>); only the commit differs.
/// </summary>
internal interface ICountLedger
{
    /// <summary>The ledger's row for an object, if it has one.</summary>
    LedgerEntry? Find(string path);

    /// <summary>Rows of objects stamped before this time may have been pruned (null: none has): a listing cannot
    /// tell such an object from one counted before, so the backfill does not list them.</summary>
    long? PrunedBelow => null;

    /// <summary>Records an object that cannot be counted (gone, or not a flow log), so it is not read again.</summary>
    void RecordFailure(LedgerEntry entry);

    /// <summary>Commits an object's counts with its ledger row in one step. False when another consumer committed
    /// the object first: this scan is then a duplicate and counts nothing.</summary>
    bool Commit(LedgerEntry entry, ScanResult scan, ScanOptions options, long clock);

    /// <summary>The scan settings of an object read while <paramref name="open"/> is the first open window.</summary>
    ScanOptions Options(long open, long size);
}

/// <summary>
/// The local state as the ledger: each object's row looked up by its key (never the whole ledger in memory, so
/// start-up and a lookup cost the same at any size), commits serialized, and rows pruned once nothing can name them.
/// </summary>
/// <remarks>
/// What a prune may forget. A notification names one PUT of an object (bucket, key, version or ETag); the row of an
/// object counted at time C goes only when (1) its stamp is below <see cref="SqliteStateStore.LedgerPruneBound"/>
/// (its windows closed more than the lateness ago, as the polling watch prunes) and (2) C is more than
/// <see cref="QueueWatchRun.KeepSeconds"/> ago: the longer message retention of the queue and of its dead-letter
/// queue, plus a margin for S3's own late or repeated deliveries. SQS drops every message older than its retention,
/// so every message that could name a forgotten row is gone before the row: a redelivery always finds its row and
/// counts nothing, and a notification that finds no row is of a PUT never counted (a new key, or a new version of a
/// forgotten one), so it is read and its records of closed windows are reported late. The rows kept are those
/// counted within that time plus those of open windows: bounded by the rate of objects, not by history.
/// </remarks>
internal sealed class StoreLedger(IStateStore store, InputOptions input) : ICountLedger
{
    private readonly Lock _gate = new();

    public LedgerEntry? Find(string path)
    {
        lock (_gate)
            return store.LedgerRow(path);
    }

    public long? PrunedBelow
    {
        get
        {
            lock (_gate)
                return store.LedgerPrunedBelow;
        }
    }

    public void RecordFailure(LedgerEntry entry)
    {
        lock (_gate)
        {
            // A failure never replaces a count (another version of the key may have been counted meanwhile).
            if (store.LedgerRow(entry.Path) is { } seen && seen.Status != LedgerEntry.Failed)
                return;
            store.RecordFailure(entry);
        }
    }

    public bool Commit(LedgerEntry entry, ScanResult scan, ScanOptions options, long clock)
    {
        lock (_gate)
            store.CommitFile(entry, scan.Partial, clock, scan.Diagnostics.RecordsByWindow);
        return true;
    }

    /// <summary>
    /// Forgets the rows no notification can name any more (see the remarks): those stamped before what
    /// <paramref name="open"/> (the first open window) and the lateness need and counted before
    /// <paramref name="countedBefore"/>, a bounded step per call (as the polling watch does); returns how many went.
    /// </summary>
    public long Prune(long open, long latenessSeconds, long countedBefore, TimeSpan budget)
    {
        lock (_gate)
        {
            return store.PruneLedger(Math.Min(SqliteStateStore.LedgerPruneBound(open, latenessSeconds),
                countedBefore), budget, countedBefore);
        }
    }

    public ScanOptions Options(long open, long size) =>
        input.Scan(open, open + size * (1L << 30), size, keepDetails: true, threads: 1, entities: store.Entities);
}
