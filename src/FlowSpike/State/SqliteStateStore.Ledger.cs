using System.Globalization;
using FlowSpike.Aggregation;
using Microsoft.Data.Sqlite;

namespace FlowSpike.State;

/// <summary>Watch mode's ledger of input files, each counted once with its counts in the same transaction.</summary>
internal sealed partial class SqliteStateStore
{
    public IReadOnlyDictionary<string, LedgerEntry> Ledger() => Read(LedgerCore);

    private Dictionary<string, LedgerEntry> LedgerCore()
    {
        using var cmd = Command($"SELECT {LedgerColumns} FROM ledger");
        using var reader = cmd.ExecuteReader();
        var ledger = new Dictionary<string, LedgerEntry>(StringComparer.Ordinal);
        while (reader.Read())
            ledger[reader.GetString(0)] = Entry(reader);
        return ledger;
    }

    private const string LedgerColumns = "path, size, version, status, records, late, error";

    private static LedgerEntry Entry(SqliteDataReader reader) => new(reader.GetString(0), reader.GetInt64(1),
        reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5),
        reader.IsDBNull(6) ? null : reader.GetString(6));

    public LedgerEntry? LedgerRow(string key) => Read(() =>
    {
        using var cmd = Command($"SELECT {LedgerColumns} FROM ledger WHERE path = $p");
        cmd.Parameters.AddWithValue("$p", key);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? Entry(reader) : null;
    });

    public IReadOnlyList<string> LocalLedgerKeys(long stampedFrom) => Read(() =>
    {
        // s3:// keys sort between "s3:/" and "s3:0" ('/' + 1 is '0'): a range of the key's index, not a scan.
        using var cmd = Command("SELECT path FROM ledger WHERE (path < 's3://' OR path >= 's3:/0') AND path <> '-'");
        using var reader = cmd.ExecuteReader();
        var keys = new List<string>();
        while (reader.Read())
        {
            // By the key's own stamp: an older ledger's rows may not be stamped yet.
            string key = reader.GetString(0);
            if (!(LedgerStamp(key) < stampedFrom))
                keys.Add(key);
        }
        return (IReadOnlyList<string>)keys;
    });

    public void CommitFile(LedgerEntry entry, WindowPartial counts, long? watermark,
        IReadOnlyDictionary<long, long>? records = null) =>
        InTransaction(tx =>
        {
            if (records is { Count: > 0 })
            {
                using var present = Command("INSERT INTO open_windows(window_start, records) VALUES ($w, $n) " +
                    "ON CONFLICT(window_start) DO UPDATE SET records = records + excluded.records", tx);
                var w = present.Parameters.Add("$w", SqliteType.Integer);
                var n = present.Parameters.Add("$n", SqliteType.Integer);
                foreach (var (window, count) in records)
                {
                    w.Value = window;
                    n.Value = count;
                    present.ExecuteNonQuery();
                }
            }
            using (var add = Command("INSERT INTO open_counts(window_start, src, count) VALUES ($w, $s, $v) " +
                "ON CONFLICT(window_start, src) DO UPDATE SET count = count + excluded.count", tx))
            {
                var details = OpenWindowDetails.Select(d => Command(
                        $"INSERT OR IGNORE INTO {d.Table}(window_start, src, {d.Column}) VALUES ($w, $s, $v)", tx))
                    .ToArray();
                try
                {
                    var addParameters = Parameters(add, SqliteType.Integer);
                    var detailParameters = details.Select(d => Parameters(d, SqliteType.Text)).ToArray();
                    foreach (var (window, sources) in counts.Windows)
                    {
                        foreach (var (src, stats) in sources)
                        {
                            Run(add, addParameters, window, src, stats.Count);
                            for (int i = 0; i < details.Length; i++)
                            {
                                foreach (string value in OpenWindowDetails[i].List(stats) ?? [])
                                    Run(details[i], detailParameters[i], window, src, value);
                            }
                        }
                    }
                }
                finally
                {
                    foreach (var d in details)
                        d.Dispose();
                }
            }
            WriteLedger(tx, entry);
            if (watermark is { } mark)
                SetMeta(tx, "watermark", mark);
        });

    /// <summary>The ($w, $s, $v) parameters of an open-window table insert.</summary>
    private static SqliteParameter[] Parameters(SqliteCommand cmd, SqliteType valueType) =>
    [
        cmd.Parameters.Add("$w", SqliteType.Integer), cmd.Parameters.Add("$s", SqliteType.Integer),
        cmd.Parameters.Add("$v", valueType),
    ];

    private static void Run(SqliteCommand cmd, SqliteParameter[] p, long window, uint src, object value)
    {
        p[0].Value = window;
        p[1].Value = (long)src;
        p[2].Value = value;
        cmd.ExecuteNonQuery();
    }

    public void RecordFailure(LedgerEntry entry) => InTransaction(tx => WriteLedger(tx, entry));

    private void WriteLedger(SqliteTransaction tx, LedgerEntry e)
    {
        using var cmd = Command("INSERT OR REPLACE INTO ledger(path, size, version, status, records, late, error, " +
            "processed_at, stamp) VALUES ($p, $s, $v, $st, $r, $l, $e, $at, $stamp)", tx);
        cmd.Parameters.AddWithValue("$p", e.Path);
        cmd.Parameters.AddWithValue("$s", e.Size);
        cmd.Parameters.AddWithValue("$v", e.Version);
        cmd.Parameters.AddWithValue("$st", e.Status);
        cmd.Parameters.AddWithValue("$r", e.Records);
        cmd.Parameters.AddWithValue("$l", e.Late);
        cmd.Parameters.AddWithValue("$e", (object?)e.Error ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$stamp", (object?)LedgerStamp(e.Path) ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$at", e.At is { } at ? ProcessedAt(at)
            : DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        cmd.ExecuteNonQuery();
    }

    /// <summary>A time as processed_at holds it (round-trip UTC text, which sorts as the time does).</summary>
    private static string ProcessedAt(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).ToString("O", CultureInfo.InvariantCulture);
}
