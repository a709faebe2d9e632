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

    /// <summary>The object's row may have been pruned (its stamp is before the ledger's pruned bound): its windows
    /// are long closed, so it is a duplicate, never read or counted again.</summary>
    bool Forgotten(string path) => false;

    /// <summary>Records an object that cannot be counted (gone, or not a flow log), so it is not read again.</summary>
    void RecordFailure(LedgerEntry entry);

    /// <summary>Commits an object's counts with its ledger row in one step. False when another consumer committed
    /// the object first: this scan is then a duplicate and counts nothing.</summary>
    bool Commit(LedgerEntry entry, ScanResult scan, ScanOptions options, long clock);

    /// <summary>The scan settings of an object read while <paramref name="open"/> is the first open window.</summary>
    ScanOptions Options(long open, long size);
}

/// <summary>
/// The local state as the ledger: each object's row looked up by its key (never the whole ledger in memory, so the
/// cost of a lookup does not grow with the ledger), commits serialized, and the rows of long-closed windows pruned.
/// </summary>
internal sealed class StoreLedger(IStateStore store, InputOptions input) : ICountLedger
{
    private readonly Lock _gate = new();
    private long? _prunedBelow = store.LedgerPrunedBelow;

    public LedgerEntry? Find(string path)
    {
        lock (_gate)
            return store.LedgerRow(path);
    }

    public bool Forgotten(string path)
    {
        lock (_gate)
            return _prunedBelow is { } below && SqliteStateStore.LedgerStamp(path) < below;
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
    /// Forgets the rows of objects stamped before what <paramref name="open"/> (the first open window) and the
    /// lateness still need, a bounded step per call (as the polling watch does); returns how many rows went.
    /// </summary>
    public long Prune(long open, long latenessSeconds, TimeSpan budget)
    {
        lock (_gate)
        {
            long removed = store.PruneLedger(SqliteStateStore.LedgerPruneBound(open, latenessSeconds), budget);
            _prunedBelow = store.LedgerPrunedBelow;
            return removed;
        }
    }

    public ScanOptions Options(long open, long size) =>
        input.Scan(open, open + size * (1L << 30), size, keepDetails: true, threads: 1, entities: store.Entities);
}
