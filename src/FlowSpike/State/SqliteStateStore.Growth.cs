using System.Globalization;
using FlowSpike.Records;
using Microsoft.Data.Sqlite;

namespace FlowSpike.State;

/// <summary>
/// Keeps the state's size bounded by what it still needs. The ledger forgets objects stamped before a bound that
/// only moves forward (kept as <c>ledger_pruned_below</c>); the polling watch skips every object stamped before that
/// bound by its name alone, so a forgotten object is never read, let alone counted, again (queue mode also keeps a
/// row until no notification can name it: Queue/StoreLedger). Objects whose names carry no stamp keep their rows.
/// </summary>
internal sealed partial class SqliteStateStore
{
    private const string LedgerStampIndex = "CREATE INDEX IF NOT EXISTS ledger_stamp ON ledger(stamp)";

    /// <summary>The time a ledger key's object is stamped with (its file name's _YYYYMMDDTHHmmZ_), if any.</summary>
    public static long? LedgerStamp(string key) => DatePrefix.FileStamp(key[(key.LastIndexOf('/') + 1)..]);

    /// <summary>
    /// Rows of objects stamped before this may go, with <paramref name="open"/> the first open window: listing skips
    /// objects stamped more than <see cref="InputSet.Slack"/> before it, and the lateness is kept as margin.
    /// </summary>
    public static long LedgerPruneBound(long open, long latenessSeconds) => open - latenessSeconds - InputSet.Slack;

    /// <summary>Objects stamped before this time have left the ledger (null: none has).</summary>
    public long? LedgerPrunedBelow => Read(() => Long(ReadMeta(), "ledger_pruned_below"));

    /// <summary>Rows one prune step deletes or stamps, in one transaction: about 0.1 s.</summary>
    private const int PruneStep = 20_000;

    /// <summary>
    /// Raises the pruned bound to <paramref name="below"/> (a lower one changes nothing), then forgets the ledger rows
    /// of objects stamped before the bound, a step of rows per transaction, until none is left or
    /// <paramref name="budget"/> is spent, so a poll's cost does not grow with the ledger: what is left goes at the
    /// next call. Rows of a ledger written before rows carried their stamp are stamped (or dropped) on the way.
    /// With <paramref name="countedBefore"/>, only rows written (processed_at) before that time go: queue mode keeps
    /// a row while a notification naming its object may still be delivered. Returns how many rows went.
    /// </summary>
    public long PruneLedger(long below, TimeSpan budget, long? countedBefore = null)
    {
        string? before = countedBefore is { } t ? ProcessedAt(t) : null;
        var meta = Read(ReadMeta);
        long? stored = Long(meta, "ledger_pruned_below"), stampTo = Long(meta, "ledger_stamp_to");
        long bound = Math.Max(below, stored ?? long.MinValue), removed = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            long step = 0;
            bool more = false;
            InTransaction(tx =>
            {
                if (stored != bound)
                    SetMeta(tx, "ledger_pruned_below", bound);
                if (stampTo is { } to)
                {
                    (step, more, stampTo) = StampStep(tx, bound, to, before);
                    return;
                }
                step = DeleteStep(tx, bound, before);
                more = step == PruneStep;
            });
            stored = bound;
            removed += step;
            if (!more || (budget != Timeout.InfiniteTimeSpan && clock.Elapsed >= budget))
                return removed;
        }
    }

    private long DeleteStep(SqliteTransaction tx, long bound, string? before)
    {
        // The stamp's index bounds the scan; rows kept by their write time (late objects) are few.
        using var cmd = Command("DELETE FROM ledger WHERE rowid IN (SELECT rowid FROM ledger WHERE stamp < $b " +
            (before is null ? "" : "AND processed_at < $at ") + "ORDER BY stamp LIMIT $n)", tx);
        cmd.Parameters.AddWithValue("$b", bound);
        if (before is not null)
            cmd.Parameters.AddWithValue("$at", before);
        cmd.Parameters.AddWithValue("$n", PruneStep);
        return cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// Stamps the next step of an older ledger's rows (by rowid, up to the last row it had), dropping those stamped
    /// before the bound; the last step indexes the stamps. Returns the rows dropped, whether rows are left to stamp,
    /// and where stamping resumes (null: done).
    /// </summary>
    private (long Removed, bool More, long? StampTo) StampStep(SqliteTransaction tx, long bound, long to,
        string? before)
    {
        long from = 0, removed = 0;
        using (var cursor = Command("SELECT value FROM meta WHERE key = 'ledger_stamp_from'", tx))
        {
            if (cursor.ExecuteScalar() is string value)
                from = long.Parse(value, CultureInfo.InvariantCulture);
        }
        long last = from;
        var rows = new List<(long RowId, string Key, string At)>(PruneStep);
        using (var list = Command("SELECT rowid, path, processed_at FROM ledger WHERE rowid > $f AND rowid <= $t " +
            "ORDER BY rowid LIMIT $n", tx))
        {
            list.Parameters.AddWithValue("$f", from);
            list.Parameters.AddWithValue("$t", to);
            list.Parameters.AddWithValue("$n", PruneStep);
            using var reader = list.ExecuteReader();
            while (reader.Read())
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }
        using var drop = Command("DELETE FROM ledger WHERE rowid = $r", tx);
        using var set = Command("UPDATE ledger SET stamp = $s WHERE rowid = $r", tx);
        var dropRow = drop.Parameters.Add("$r", SqliteType.Integer);
        var setRow = set.Parameters.Add("$r", SqliteType.Integer);
        var stamp = set.Parameters.Add("$s", SqliteType.Integer);
        foreach (var (rowId, key, at) in rows)
        {
            last = rowId;
            if (LedgerStamp(key) is not { } s)
                continue;
            if (s < bound && (before is null || string.CompareOrdinal(at, before) < 0))
            {
                dropRow.Value = rowId;
                removed += drop.ExecuteNonQuery();
                continue;
            }
            setRow.Value = rowId;
            stamp.Value = s;
            set.ExecuteNonQuery();
        }
        if (rows.Count == PruneStep && last < to)
        {
            SetMeta(tx, "ledger_stamp_from", last);
            return (removed, true, to);
        }
        // Every older row is stamped: index the stamps, and prune the rows written meanwhile as any.
        Execute(tx, "DELETE FROM meta WHERE key IN ('ledger_stamp_from', 'ledger_stamp_to')");
        Execute(tx, LedgerStampIndex);
        return (removed, true, null);
    }

    /// <summary>How many rows the ledger holds.</summary>
    public long LedgerRows() => Read(() => Scalar("SELECT count(*) FROM ledger"));

    /// <summary>How many delivery rows the outbox holds: alerts some sink has not received yet.</summary>
    public long OutboxRows() => Read(() => Scalar("SELECT count(*) FROM deliveries"));

    /// <summary>Drops every alert's delivery rows once all its sinks have it (what delivery does as it goes, for
    /// states written before it did).</summary>
    public void PruneOutbox() => InTransaction(tx =>
    {
        Execute(tx, "UPDATE alerts SET delivered = 1 WHERE delivered = 0 AND NOT EXISTS " +
            "(SELECT 1 FROM deliveries d WHERE d.alert_id = alerts.id AND d.delivered = 0)");
        Execute(tx, "DELETE FROM deliveries WHERE alert_id NOT IN " +
            "(SELECT alert_id FROM deliveries WHERE delivered = 0)");
    });

    /// <summary>Rewrites the file without its free pages (VACUUM); returns its size before and after, in
    /// bytes.</summary>
    public (long Before, long After) Compact()
    {
        string real = _connection.DataSource;
        long before = FileSize(real);
        try
        {
            Execute(null, "PRAGMA wal_checkpoint(TRUNCATE)");
            Execute(null, "VACUUM");
            Execute(null, "PRAGMA wal_checkpoint(TRUNCATE)");
        }
        catch (SqliteException e)
        {
            throw new StateException($"{_path}: {Describe(e, _path)}; the state is unchanged", e);
        }
        return (before, FileSize(real));
    }

    private static long FileSize(string path) =>
        (File.Exists(path) ? new FileInfo(path).Length : 0)
        + (File.Exists(path + "-wal") ? new FileInfo(path + "-wal").Length : 0);

    /// <summary>
    /// Adds the stamp column to a ledger written before it. The rows are stamped a step at a time by
    /// <see cref="PruneLedger"/> (rowids up to <c>ledger_stamp_to</c>), so opening a large older state stays cheap.
    /// </summary>
    private void AddLedgerStamps()
    {
        // A minimal older state may have no ledger at all: nothing to stamp.
        if (!HasColumn(null!, "ledger", "path") || HasColumn(null!, "ledger", "stamp"))
            return;
        InTransaction(tx =>
        {
            Execute(tx, "ALTER TABLE ledger ADD COLUMN stamp INTEGER");
            using var max = Command("SELECT max(rowid) FROM ledger", tx);
            if (max.ExecuteScalar() is long last)
                SetMeta(tx, "ledger_stamp_to", last);
            else
                Execute(tx, LedgerStampIndex);
        });
    }

    private long Scalar(string sql)
    {
        using var cmd = Command(sql);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
