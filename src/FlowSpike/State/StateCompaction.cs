using System.Globalization;

namespace FlowSpike.State;

/// <summary>
/// `state compact`: prunes what the state no longer needs (ledger rows of objects the watch skips by their stamp,
/// outbox rows every sink has), then rewrites the file without its free pages. It opens the state as a job does, so
/// it refuses while a watch holds the state's lock.
/// </summary>
internal static class StateCompaction
{
    /// <summary>Compacts the state at <paramref name="path"/>, pruning with watch's
    /// <paramref name="latenessSeconds"/>; returns the one-line summary.</summary>
    public static string Run(string path, long latenessSeconds)
    {
        using var store = SqliteStateStore.Open(path, mustExist: true);
        long ledgerBefore = store.LedgerRows(), outboxBefore = store.OutboxRows();
        // The same bound watch prunes at, with its lateness: every row below it is skipped by its stamp.
        if (store.Info.CommittedUntil is { } mark)
            store.PruneLedger(SqliteStateStore.LedgerPruneBound(mark, latenessSeconds), Timeout.InfiniteTimeSpan);
        store.PruneOutbox();
        long ledger = store.LedgerRows(), outbox = store.OutboxRows();
        var (before, after) = store.Compact();
        return $"compacted {path}: ledger {ledger} row(s) ({ledgerBefore - ledger} pruned), outbox {outbox} " +
            $"row(s) ({outboxBefore - outbox} pruned), {Megabytes(before)} -> {Megabytes(after)}";
    }

    private static string Megabytes(long bytes) =>
        (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
}
