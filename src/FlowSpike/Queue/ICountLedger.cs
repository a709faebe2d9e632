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

    /// <summary>Records an object that cannot be counted (gone, or not a flow log), so it is not read again.</summary>
    void RecordFailure(LedgerEntry entry);

    /// <summary>Commits an object's counts with its ledger row in one step. False when another consumer committed
    /// the object first: this scan is then a duplicate and counts nothing.</summary>
    bool Commit(LedgerEntry entry, ScanResult scan, ScanOptions options, long clock);

    /// <summary>The scan settings of an object read while <paramref name="open"/> is the first open window.</summary>
    ScanOptions Options(long open, long size);
}

/// <summary>The local state as the ledger: its rows cached in memory, commits serialized.</summary>
internal sealed class StoreLedger(IStateStore store, InputOptions input) : ICountLedger
{
    private readonly Dictionary<string, LedgerEntry> _rows = new(store.Ledger(), StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public LedgerEntry? Find(string path)
    {
        lock (_gate)
            return _rows.GetValueOrDefault(path);
    }

    public void RecordFailure(LedgerEntry entry)
    {
        lock (_gate)
        {
            // A failure never replaces a count (another version of the key may have been counted meanwhile).
            if (_rows.TryGetValue(entry.Path, out var seen) && seen.Status != LedgerEntry.Failed)
                return;
            store.RecordFailure(entry);
            _rows[entry.Path] = entry;
        }
    }

    public bool Commit(LedgerEntry entry, ScanResult scan, ScanOptions options, long clock)
    {
        lock (_gate)
        {
            store.CommitFile(entry, scan.Partial, clock, scan.Diagnostics.RecordsByWindow);
            _rows[entry.Path] = entry;
        }
        return true;
    }

    public ScanOptions Options(long open, long size) =>
        input.Scan(open, open + size * (1L << 30), size, keepDetails: true, threads: 1, entities: store.Entities);
}
