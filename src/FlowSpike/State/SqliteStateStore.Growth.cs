using System.Globalization;
using FlowSpike.Records;
using Microsoft.Data.Sqlite;

namespace FlowSpike.State;

/// <summary>
/// Keeps the state's size bounded by what it still needs. The ledger forgets objects stamped before a bound that
/// only moves forward (kept as <c>ledger_pruned_below</c>); watch skips every object stamped before that bound by its
/// name alone, so a forgotten object is never read, let alone counted, again. Objects whose names carry no stamp
/// keep their rows.
/// </summary>
public sealed partial class SqliteStateStore
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

    /// <summary>
    /// Forgets the ledger rows of objects stamped before <paramref name="below"/>, and raises the pruned bound to it;
    /// returns how many rows went. A lower bound than the stored one changes nothing.
    /// </summary>
    public long PruneLedger(long below)
    {
        if (LedgerPrunedBelow is { } done && done >= below)
            return 0;
        long removed = 0;
        InTransaction(tx =>
        {
            using var cmd = Command("DELETE FROM ledger WHERE stamp < $b", tx);
            cmd.Parameters.AddWithValue("$b", below);
            removed = cmd.ExecuteNonQuery();
            SetMeta(tx, "ledger_pruned_below", below);
        });
        return removed;
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

    /// <summary>Adds the stamp column to a ledger written before it, filling it from each row's key.</summary>
    private void AddLedgerStamps()
    {
        // A minimal older state may have no ledger at all: nothing to stamp.
        if (!HasColumn(null!, "ledger", "path") || HasColumn(null!, "ledger", "stamp"))
            return;
        InTransaction(tx =>
        {
            Execute(tx, "ALTER TABLE ledger ADD COLUMN stamp INTEGER");
            var keys = new List<string>();
            using (var list = Command("SELECT path FROM ledger", tx))
            using (var reader = list.ExecuteReader())
            {
                while (reader.Read())
                    keys.Add(reader.GetString(0));
            }
            using var set = Command("UPDATE ledger SET stamp = $s WHERE path = $p", tx);
            var s = set.Parameters.Add("$s", SqliteType.Integer);
            var p = set.Parameters.Add("$p", SqliteType.Text);
            foreach (string key in keys)
            {
                if (LedgerStamp(key) is not { } stamp)
                    continue;
                s.Value = stamp;
                p.Value = key;
                set.ExecuteNonQuery();
            }
            Execute(tx, LedgerStampIndex);
        });
    }

    private long Scalar(string sql)
    {
        using var cmd = Command(sql);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
