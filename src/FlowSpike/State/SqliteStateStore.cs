using System.Globalization;
using FlowSpike.Aggregation;
using FlowSpike.Baseline;
using FlowSpike.Selection;
using Microsoft.Data.Sqlite;

namespace FlowSpike.State;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with full fsync. Windows are applied one transaction each,
/// under an exclusive process lock.
/// </summary>
public sealed class SqliteStateStore : IStateStore
{
    public const int SchemaVersion = 3;

    /// <summary>The detail sets watch mode keeps per (window, source) until the window closes: one table each.</summary>
    private static readonly (string Table, string Column, Func<SourceWindowStats, HashSet<string>?> Get)[] PendingDetails =
    [
        ("pending_destinations", "destination", s => s.Destinations),
        ("pending_interfaces", "interface", s => s.Interfaces),
        ("pending_accounts", "account", s => s.Accounts),
    ];

    private static readonly string[] PendingTables =
        ["pending_counts", "pending_windows", .. PendingDetails.Select(d => d.Table)];

    /// <summary>Watch mode's windows with any flow-log record (blocked outbound or not), told from silence.</summary>
    private const string PendingWindowsTable =
        "CREATE TABLE IF NOT EXISTS pending_windows(window_start INTEGER PRIMARY KEY, records INTEGER NOT NULL)";

    private readonly string _path;
    private readonly SqliteConnection _connection;
    private readonly StateLock _lock;

    private SqliteStateStore(string path, SqliteConnection connection, StateLock stateLock)
    {
        _path = path;
        _connection = connection;
        _lock = stateLock;
    }

    /// <summary>
    /// Opens or creates the state, taking the process lock. <paramref name="model"/> must match a state's stored model (null:
    /// whatever it has; splunk for a new one), and
    /// <paramref name="entity"/> its entity keying (null: whatever the state has; src_ip for a new one).
    /// With <paramref name="mustExist"/> (read-only commands) a missing state is an error and nothing is created.
    /// Another application's SQLite file is refused before anything is written to it.
    /// </summary>
    public static SqliteStateStore Open(string path, string? model = null, EntityKind? entity = null,
        bool mustExist = false)
    {
        string real = RealPath(path, mustExist);
        var stateLock = StateLock.Acquire(real, path, create: !mustExist);
        SqliteConnection? connection = null;
        try
        {
            var mode = mustExist ? SqliteOpenMode.ReadWrite : SqliteOpenMode.ReadWriteCreate;
            var settings = new SqliteConnectionStringBuilder { DataSource = real, Mode = mode, Pooling = false };
            connection = new SqliteConnection(settings.ToString());
            connection.Open();
            var store = new SqliteStateStore(path, connection, stateLock);
            store.Initialise(model, entity, new FileInfo(real).Length == 0, mustExist);
            return store;
        }
        catch (SqliteException e)
        {
            connection?.Dispose();
            stateLock.Dispose();
            throw new StateException($"{path}: {Describe(e, real)}; the state is unchanged", e);
        }
        catch
        {
            connection?.Dispose();
            stateLock.Dispose();
            throw;
        }
    }

    /// <summary>The state's real path: the same file however spelled (relative, through a symlinked folder).</summary>
    private static string RealPath(string path, bool mustExist)
    {
        string full = Path.GetFullPath(path);
        if (Records.FileIdentity.TryResolve(full, out var failure) is { } real)
            return Directory.Exists(real) ? throw new StateException($"{path}: is a folder, not a state file") : real;
        if (failure == Records.FileIdentity.Failure.Loop)
            throw new StateException($"{path}: a loop of symbolic links");
        if (mustExist)
            throw new StateException($"{path}: no such state (run `flowspike baseline` or `detect` to create one); " +
                "nothing was created");
        string? dir = Path.GetDirectoryName(full);
        if (dir is null)
            return full;
        if (Records.FileIdentity.TryResolve(dir, out _) is not { } realDir || !Directory.Exists(realDir))
            throw new StateException($"{path}: the folder {dir} does not exist");
        if (new FileInfo(full).LinkTarget is not null)
            throw new StateException($"{path}: a symbolic link to a missing file");
        return Path.Join(realDir, Path.GetFileName(full));
    }

    public StateInfo Info => Read(InfoCore);

    public EntityRegistry Entities { get; private set; } = new(EntityKind.SrcIp);

    private StateInfo InfoCore()
    {
        var meta = ReadMeta();
        return new StateInfo(
            meta.GetValueOrDefault("model", SplunkModel.ModelName),
            Long(meta, "committed_until"),
            Long(meta, "baseline_from"),
            Long(meta, "baseline_to"),
            Long(meta, "window_seconds"),
            Long(meta, "watermark"),
            Long(meta, "baseline_span_seconds"));
    }

    public IReadOnlyList<BaselineRow> LoadLookup() => Read(LoadLookupCore);

    private List<BaselineRow> LoadLookupCore()
    {
        using var cmd = Command("SELECT src, latest_count, num_data_points, avg, stdev, model_state FROM lookup");
        using var reader = cmd.ExecuteReader();
        var rows = new List<BaselineRow>();
        while (reader.Read())
        {
            rows.Add(new BaselineRow(
                (uint)reader.GetInt64(0),
                reader.IsDBNull(1) ? null : reader.GetInt64(1),
                reader.IsDBNull(2) ? null : reader.GetInt64(2),
                reader.IsDBNull(3) ? null : reader.GetDouble(3),
                reader.IsDBNull(4) ? null : reader.GetDouble(4),
                reader.IsDBNull(5) ? null : (byte[])reader.GetValue(5)));
        }
        return rows;
    }

    public IReadOnlySet<long> AppliedWindows(long from, long to) => Read(() => AppliedWindowsCore(from, to));

    private HashSet<long> AppliedWindowsCore(long from, long to)
    {
        using var cmd = Command("SELECT window_start FROM applied_windows WHERE window_start >= $from AND window_start < $to");
        cmd.Parameters.AddWithValue("$from", from);
        cmd.Parameters.AddWithValue("$to", to);
        using var reader = cmd.ExecuteReader();
        var set = new HashSet<long>();
        while (reader.Read())
            set.Add(reader.GetInt64(0));
        return set;
    }

    public void ReplaceBaseline(IReadOnlyCollection<BaselineRow> rows, long from, long to, long spanSeconds, IReadOnlyList<HistoryRow>? history = null) =>
        InTransaction(tx =>
        {
            if (history is not null)
            {
                using (var clear = Command("DELETE FROM history WHERE window_start >= $f AND window_start < $t", tx))
                {
                    clear.Parameters.AddWithValue("$f", from);
                    clear.Parameters.AddWithValue("$t", to);
                    clear.ExecuteNonQuery();
                }
                InsertHistory(tx, history);
            }
            Execute(tx, "DELETE FROM lookup");
            Execute(tx, "DELETE FROM applied_windows");
            // Counts gathered by watch mode for windows the new baseline covers would be applied twice.
            foreach (string table in PendingTables)
            {
                using var clear = Command($"DELETE FROM {table} WHERE window_start < $to", tx);
                clear.Parameters.AddWithValue("$to", to);
                clear.ExecuteNonQuery();
            }
            InsertRows(tx, rows);
            SetMeta(tx, "committed_until", to);
            SetMeta(tx, "baseline_from", from);
            SetMeta(tx, "baseline_to", to);
            SetMeta(tx, "baseline_span_seconds", spanSeconds);
        });

    public void ImportLookup(IReadOnlyCollection<BaselineRow> rows) =>
        InTransaction(tx =>
        {
            if (rows.Count == 0)
            {
                using var count = Command("SELECT count(*) FROM lookup", tx);
                long existing = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
                if (existing > 0)
                    throw new StateException($"{_path}: the lookup to import has no rows; importing it would empty " +
                        $"a lookup of {existing} row(s); nothing was imported");
            }
            Execute(tx, "DELETE FROM lookup");
            InsertRows(tx, rows);
        });

    public void CommitWindow(WindowCommit commit)
    {
        var result = commit.Result;
        var alerts = commit.Alerts;
        var sinks = commit.Sinks;
        long windowSeconds = commit.WindowSeconds;
        long committed = Info.CommittedUntil ?? long.MinValue;
        InTransaction(tx =>
        {
            WriteHistory(tx, commit);
            foreach (var (key, until) in commit.Suppressions)
            {
                using var sup = Command("INSERT OR REPLACE INTO suppression(key, until) VALUES ($k, $u)", tx);
                sup.Parameters.AddWithValue("$k", key);
                sup.Parameters.AddWithValue("$u", until);
                sup.ExecuteNonQuery();
            }
            InsertRows(tx, result.ChangedRows);
            using (var mark = Command("INSERT INTO applied_windows(window_start, window_end, applied_at, sources, records, alerts) VALUES ($s, $e, $at, $src, $rec, $al)", tx))
            {
                mark.Parameters.AddWithValue("$s", result.WindowStart);
                mark.Parameters.AddWithValue("$e", result.WindowEnd);
                mark.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                mark.Parameters.AddWithValue("$src", result.ActiveSources);
                mark.Parameters.AddWithValue("$rec", result.CountedRecords);
                mark.Parameters.AddWithValue("$al", result.Alerts.Count);
                mark.ExecuteNonQuery();
            }
            using (var outbox = Command("INSERT OR IGNORE INTO alerts(id, window_start, body, delivered) VALUES ($id, $w, $body, 0)", tx))
            using (var due = Command("INSERT OR IGNORE INTO deliveries(alert_id, sink, delivered) VALUES ($id, $sink, 0)", tx))
            {
                var id = outbox.Parameters.Add("$id", SqliteType.Text);
                var w = outbox.Parameters.Add("$w", SqliteType.Integer);
                var body = outbox.Parameters.Add("$body", SqliteType.Text);
                var dueId = due.Parameters.Add("$id", SqliteType.Text);
                var dueSink = due.Parameters.Add("$sink", SqliteType.Text);
                foreach (var alert in alerts)
                {
                    id.Value = alert.Id;
                    w.Value = alert.WindowStart;
                    body.Value = alert.Body;
                    outbox.ExecuteNonQuery();
                    foreach (string sink in sinks)
                    {
                        dueId.Value = alert.Id;
                        dueSink.Value = sink;
                        due.ExecuteNonQuery();
                    }
                }
            }
            SetMeta(tx, "committed_until", Math.Max(committed, result.WindowEnd));
            SetMeta(tx, "window_seconds", windowSeconds);
            // Watch mode's counts for this window are now in the lookup.
            foreach (string table in PendingTables)
            {
                using var clear = Command($"DELETE FROM {table} WHERE window_start = $w", tx);
                clear.Parameters.AddWithValue("$w", result.WindowStart);
                clear.ExecuteNonQuery();
            }
        });
    }

    private void WriteHistory(SqliteTransaction tx, WindowCommit commit)
    {
        if (commit.History is null)
            return;
        InsertHistory(tx, commit.History);
        // History is keyed by host for explain and report; pruning by time scans it, so do it once a day.
        if (commit.Result.WindowStart % 86400 != 0 && commit.WindowSeconds < 86400)
            return;
        using var prune = Command("DELETE FROM history WHERE window_start < $cut", tx);
        prune.Parameters.AddWithValue("$cut", commit.Result.WindowStart - commit.HistoryRetentionSeconds);
        prune.ExecuteNonQuery();
    }

    private void InsertHistory(SqliteTransaction tx, IReadOnlyList<HistoryRow> history)
    {
        using (var cmd = Command("INSERT OR REPLACE INTO history(window_start, src, count, avg, stdev, num_data_points, threshold, spike, alert_id, suppressed) VALUES ($w, $s, $c, $a, $sd, $n, $t, $sp, $id, $su)", tx))
        {
            var types = new[] { SqliteType.Integer, SqliteType.Integer, SqliteType.Integer, SqliteType.Real, SqliteType.Real, SqliteType.Integer, SqliteType.Real, SqliteType.Integer, SqliteType.Text, SqliteType.Integer };
            var p = new[] { "$w", "$s", "$c", "$a", "$sd", "$n", "$t", "$sp", "$id", "$su" }.Select((n, i) => cmd.Parameters.Add(n, types[i])).ToArray();
            cmd.Prepare();
            foreach (var h in history)
            {
                p[0].Value = h.WindowStart;
                p[1].Value = (long)h.Src;
                p[2].Value = h.Count;
                p[3].Value = (object?)h.Avg ?? DBNull.Value;
                p[4].Value = (object?)h.Stdev ?? DBNull.Value;
                p[5].Value = (object?)h.NumDataPoints ?? DBNull.Value;
                p[6].Value = h.Threshold is { } t && double.IsFinite(t) ? t : DBNull.Value;
                p[7].Value = h.Spike ? 1 : 0;
                p[8].Value = (object?)h.AlertId ?? DBNull.Value;
                p[9].Value = h.Suppressed ? 1 : 0;
                cmd.ExecuteNonQuery();
            }
        }
    }

    public IReadOnlyDictionary<string, long> SuppressedUntil(IReadOnlyCollection<string> keys) => Read(() =>
    {
        var found = new Dictionary<string, long>(StringComparer.Ordinal);
        using var cmd = Command("SELECT until FROM suppression WHERE key = $k");
        var k = cmd.Parameters.Add("$k", SqliteType.Text);
        foreach (string key in keys)
        {
            k.Value = key;
            if (cmd.ExecuteScalar() is long until)
                found[key] = until;
        }
        return found;
    });

    public IReadOnlyList<HistoryRow> History(uint src, long from = long.MinValue, long to = long.MaxValue) => Read(() =>
    {
        using var cmd = Command("SELECT window_start, count, avg, stdev, num_data_points, threshold, spike, alert_id, suppressed FROM history WHERE src = $s AND window_start >= $f AND window_start < $t ORDER BY window_start");
        cmd.Parameters.AddWithValue("$s", (long)src);
        cmd.Parameters.AddWithValue("$f", from);
        cmd.Parameters.AddWithValue("$t", to);
        using var r = cmd.ExecuteReader();
        var rows = new List<HistoryRow>();
        while (r.Read())
        {
            rows.Add(new HistoryRow(r.GetInt64(0), src, r.GetInt64(1), r.IsDBNull(2) ? null : r.GetDouble(2), r.IsDBNull(3) ? null : r.GetDouble(3),
                r.IsDBNull(4) ? null : r.GetInt64(4), r.IsDBNull(5) ? null : r.GetDouble(5), r.GetInt64(6) != 0, r.IsDBNull(7) ? null : r.GetString(7), r.GetInt64(8) != 0));
        }
        return (IReadOnlyList<HistoryRow>)rows;
    });

    public IReadOnlyList<PendingAlert> AllAlerts() => Read(() =>
    {
        using var cmd = Command("SELECT id, window_start, body FROM alerts ORDER BY window_start, rowid");
        using var reader = cmd.ExecuteReader();
        var list = new List<PendingAlert>();
        while (reader.Read())
            list.Add(new PendingAlert(reader.GetString(0), reader.GetInt64(1), reader.GetString(2)));
        return (IReadOnlyList<PendingAlert>)list;
    });

    public IReadOnlyDictionary<string, LedgerEntry> Ledger() => Read(LedgerCore);

    private Dictionary<string, LedgerEntry> LedgerCore()
    {
        using var cmd = Command("SELECT path, size, version, status, records, late, error FROM ledger");
        using var reader = cmd.ExecuteReader();
        var ledger = new Dictionary<string, LedgerEntry>(StringComparer.Ordinal);
        while (reader.Read())
        {
            ledger[reader.GetString(0)] = new LedgerEntry(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                reader.GetInt64(4), reader.GetInt64(5), reader.IsDBNull(6) ? null : reader.GetString(6));
        }
        return ledger;
    }

    public void CommitFile(LedgerEntry entry, WindowPartial counts, long? watermark,
        IReadOnlyDictionary<long, long>? records = null) =>
        InTransaction(tx =>
        {
            if (records is { Count: > 0 })
            {
                using var present = Command("INSERT INTO pending_windows(window_start, records) VALUES ($w, $n) " +
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
            using (var add = Command("INSERT INTO pending_counts(window_start, src, count) VALUES ($w, $s, $v) ON CONFLICT(window_start, src) DO UPDATE SET count = count + excluded.count", tx))
            {
                var details = PendingDetails.Select(d => Command($"INSERT OR IGNORE INTO {d.Table}(window_start, src, {d.Column}) VALUES ($w, $s, $v)", tx)).ToArray();
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
                                foreach (string value in PendingDetails[i].Get(stats) ?? [])
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

    /// <summary>The ($w, $s, $v) parameters of a pending-table insert.</summary>
    private static SqliteParameter[] Parameters(SqliteCommand cmd, SqliteType valueType) =>
        [cmd.Parameters.Add("$w", SqliteType.Integer), cmd.Parameters.Add("$s", SqliteType.Integer), cmd.Parameters.Add("$v", valueType)];

    private static void Run(SqliteCommand cmd, SqliteParameter[] p, long window, uint src, object value)
    {
        p[0].Value = window;
        p[1].Value = (long)src;
        p[2].Value = value;
        cmd.ExecuteNonQuery();
    }

    public bool HasRecords(long windowStart) => Read(() =>
    {
        using var cmd = Command("SELECT EXISTS(SELECT 1 FROM pending_windows WHERE window_start = $w) " +
            "OR EXISTS(SELECT 1 FROM pending_counts WHERE window_start = $w)");
        cmd.Parameters.AddWithValue("$w", windowStart);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) != 0;
    });

    public void RecordFailure(LedgerEntry entry) => InTransaction(tx => WriteLedger(tx, entry));

    public Dictionary<uint, SourceWindowStats> LoadPending(long windowStart) => Read(() => LoadPendingCore(windowStart));

    private Dictionary<uint, SourceWindowStats> LoadPendingCore(long windowStart)
    {
        var sources = new Dictionary<uint, SourceWindowStats>();
        using (var cmd = Command("SELECT src, count FROM pending_counts WHERE window_start = $w"))
        {
            cmd.Parameters.AddWithValue("$w", windowStart);
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                sources[(uint)reader.GetInt64(0)] = new SourceWindowStats
                {
                    Count = reader.GetInt64(1),
                    Destinations = new HashSet<string>(StringComparer.Ordinal),
                    Interfaces = new HashSet<string>(StringComparer.Ordinal),
                    Accounts = new HashSet<string>(StringComparer.Ordinal),
                };
            }
        }
        foreach (var (table, column, get) in PendingDetails)
        {
            using var cmd = Command($"SELECT src, {column} FROM {table} WHERE window_start = $w");
            cmd.Parameters.AddWithValue("$w", windowStart);
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                if (!sources.TryGetValue((uint)reader.GetInt64(0), out var stats))
                    continue;
                get(stats)!.Add(reader.GetString(1));
            }
        }
        return sources;
    }

    private void WriteLedger(SqliteTransaction tx, LedgerEntry e)
    {
        using var cmd = Command("INSERT OR REPLACE INTO ledger(path, size, version, status, records, late, error, processed_at) VALUES ($p, $s, $v, $st, $r, $l, $e, $at)", tx);
        cmd.Parameters.AddWithValue("$p", e.Path);
        cmd.Parameters.AddWithValue("$s", e.Size);
        cmd.Parameters.AddWithValue("$v", e.Version);
        cmd.Parameters.AddWithValue("$st", e.Status);
        cmd.Parameters.AddWithValue("$r", e.Records);
        cmd.Parameters.AddWithValue("$l", e.Late);
        cmd.Parameters.AddWithValue("$e", (object?)e.Error ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        cmd.ExecuteNonQuery();
    }

    public IReadOnlyList<PendingAlert> PendingAlerts(string sink, long? now = null) =>
        Read(() => PendingAlertsCore(sink, now));

    private List<PendingAlert> PendingAlertsCore(string sink, long? now)
    {
        using var cmd = Command(
            "SELECT a.id, a.window_start, a.body, d.attempts FROM deliveries d JOIN alerts a ON a.id = d.alert_id " +
            "WHERE d.sink = $sink AND d.delivered = 0 AND ($now IS NULL OR d.retry_at IS NULL OR d.retry_at <= $now) " +
            "ORDER BY a.window_start, a.rowid");
        cmd.Parameters.AddWithValue("$sink", sink);
        cmd.Parameters.AddWithValue("$now", (object?)now ?? DBNull.Value);
        using var reader = cmd.ExecuteReader();
        var list = new List<PendingAlert>();
        while (reader.Read())
        {
            list.Add(new PendingAlert(reader.GetString(0), reader.GetInt64(1), reader.GetString(2),
                (int)reader.GetInt64(3)));
        }
        return list;
    }

    public void MarkDelivered(string sink, IReadOnlyCollection<string> alertIds) =>
        InTransaction(tx =>
        {
            using var cmd = Command(
                "UPDATE deliveries SET delivered = 1, retry_at = NULL WHERE alert_id = $id AND sink = $sink", tx);
            cmd.Parameters.AddWithValue("$sink", sink);
            var id = cmd.Parameters.Add("$id", SqliteType.Text);
            foreach (string alertId in alertIds)
            {
                id.Value = alertId;
                cmd.ExecuteNonQuery();
            }
        });

    public void MarkRejected(string sink, string alertId, string reason, long retryAt) =>
        InTransaction(tx =>
        {
            using var cmd = Command(
                "UPDATE deliveries SET attempts = attempts + 1, retry_at = $at, last_error = $e " +
                "WHERE alert_id = $id AND sink = $sink AND delivered = 0", tx);
            cmd.Parameters.AddWithValue("$sink", sink);
            cmd.Parameters.AddWithValue("$id", alertId);
            cmd.Parameters.AddWithValue("$at", retryAt);
            cmd.Parameters.AddWithValue("$e", reason);
            cmd.ExecuteNonQuery();
        });

    public IReadOnlyCollection<string> SinksWithPending() => Read(() =>
    {
        using var cmd = Command("SELECT DISTINCT sink FROM deliveries WHERE delivered = 0 ORDER BY sink");
        using var reader = cmd.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
            names.Add(reader.GetString(0));
        return (IReadOnlyCollection<string>)names;
    });

    public int MovePending(string from, string to)
    {
        int moved = 0;
        InTransaction(tx =>
        {
            // An alert the new sink already holds keeps its own row; the old sink's copy goes.
            using (var move = Command(
                "UPDATE OR IGNORE deliveries SET sink = $to WHERE sink = $from AND delivered = 0", tx))
            {
                move.Parameters.AddWithValue("$from", from);
                move.Parameters.AddWithValue("$to", to);
                moved = move.ExecuteNonQuery();
            }
            using var drop = Command("DELETE FROM deliveries WHERE sink = $from AND delivered = 0", tx);
            drop.Parameters.AddWithValue("$from", from);
            drop.ExecuteNonQuery();
        });
        return moved;
    }

    public void Dispose()
    {
        _connection.Dispose();
        _lock.Dispose();
    }

    private void Initialise(string? model, EntityKind? entity, bool empty, bool mustExist)
    {
        // Before anything writes (even journal_mode=WAL rewrites the header): is this a FlowSpike state at all? A file
        // with no tables (new, or a creation cut short) holds nothing to protect and is set up as a new state.
        empty = empty || RefuseForeign();
        if (empty && mustExist)
            throw new StateException($"{_path}: the file holds no FlowSpike state (it is empty); it is left untouched");
        Execute(null, "PRAGMA journal_mode=WAL");
        Execute(null, "PRAGMA synchronous=FULL");
        Execute(null, "PRAGMA busy_timeout=2000");
        if (empty)
        {
            InTransaction(tx =>
            {
                Execute(tx, "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                Execute(tx, "CREATE TABLE lookup(src INTEGER PRIMARY KEY, latest_count INTEGER, num_data_points INTEGER, avg REAL, stdev REAL, model_state BLOB)");
                Execute(tx, "CREATE TABLE applied_windows(window_start INTEGER PRIMARY KEY, window_end INTEGER NOT NULL, applied_at TEXT NOT NULL, sources INTEGER NOT NULL, records INTEGER NOT NULL, alerts INTEGER NOT NULL)");
                Execute(tx, "CREATE TABLE alerts(id TEXT PRIMARY KEY, window_start INTEGER NOT NULL, body TEXT NOT NULL, delivered INTEGER NOT NULL)");
                Execute(tx, "CREATE INDEX alerts_pending ON alerts(delivered, window_start)");
                Execute(tx, "CREATE TABLE suppression(key TEXT PRIMARY KEY, until INTEGER NOT NULL)");
                Execute(tx, "CREATE TABLE history(window_start INTEGER NOT NULL, src INTEGER NOT NULL, count INTEGER NOT NULL, avg REAL, stdev REAL, num_data_points INTEGER, threshold REAL, spike INTEGER NOT NULL, alert_id TEXT, suppressed INTEGER NOT NULL, PRIMARY KEY(src, window_start)) WITHOUT ROWID");
                Execute(tx, "CREATE TABLE deliveries(alert_id TEXT NOT NULL, sink TEXT NOT NULL, delivered INTEGER NOT NULL, " +
                    "attempts INTEGER NOT NULL DEFAULT 0, retry_at INTEGER, last_error TEXT, PRIMARY KEY(sink, alert_id))");
                Execute(tx, "CREATE TABLE ledger(path TEXT PRIMARY KEY, size INTEGER NOT NULL, version TEXT NOT NULL, status TEXT NOT NULL, records INTEGER NOT NULL, late INTEGER NOT NULL, error TEXT, processed_at TEXT NOT NULL)");
                Execute(tx, "CREATE TABLE pending_counts(window_start INTEGER NOT NULL, src INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY(window_start, src))");
                foreach (var (table, column, _) in PendingDetails)
                    Execute(tx, $"CREATE TABLE {table}(window_start INTEGER NOT NULL, src INTEGER NOT NULL, {column} TEXT NOT NULL, PRIMARY KEY(window_start, src, {column}))");
                Execute(tx, "CREATE TABLE entities(key INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
                Execute(tx, PendingWindowsTable);
                SetMeta(tx, "schema_version", SchemaVersion);
                SetMeta(tx, "model", model ?? SplunkModel.ModelName);
                SetMeta(tx, "entity", EntityRegistry.NameOf(entity ?? SpikeModels.DefaultEntity(model)));
            });
            Entities = new EntityRegistry(entity ?? SpikeModels.DefaultEntity(model));
            return;
        }
        if (!mustExist)
            Execute(null, PendingWindowsTable);
        var meta = ReadMeta();
        long version = Long(meta, "schema_version") ?? 0;
        if (version > SchemaVersion)
            throw new StateException($"{_path}: the state was written by a newer FlowSpike (schema version {version}; this build knows {SchemaVersion}); it is left untouched");
        if (version == 1)
        {
            // Version 2 added per-host model state (seasonal profiles, recent counts).
            InTransaction(tx =>
            {
                Execute(tx, "ALTER TABLE lookup ADD COLUMN model_state BLOB");
                Execute(tx, "CREATE TABLE entities(key INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
                SetMeta(tx, "schema_version", 2);
            });
            version = 2;
        }
        if (version == 2)
        {
            // Version 3 tracks each sink's rejections per alert, and names sinks without their secrets.
            InTransaction(tx =>
            {
                Execute(tx, "CREATE TABLE IF NOT EXISTS deliveries(alert_id TEXT NOT NULL, sink TEXT NOT NULL, " +
                    "delivered INTEGER NOT NULL, PRIMARY KEY(sink, alert_id))");
                foreach (var (column, type) in new[] { ("attempts", "INTEGER NOT NULL DEFAULT 0"), ("retry_at", "INTEGER"),
                    ("last_error", "TEXT") })
                {
                    if (!HasColumn(tx, "deliveries", column))
                        Execute(tx, $"ALTER TABLE deliveries ADD COLUMN {column} {type}");
                }
                RedactSinkNames(tx);
                SetMeta(tx, "schema_version", SchemaVersion);
            });
            version = SchemaVersion;
        }
        if (version < SchemaVersion)
            throw new StateException($"{_path}: unknown state schema version {version}");
        string stored = meta.GetValueOrDefault("model", SplunkModel.ModelName);
        if (model is not null && !string.Equals(stored, model, StringComparison.Ordinal))
            throw new StateException($"{_path}: the state was built with model '{stored}', not '{model}'; use a separate state per model");
        string storedEntity = meta.GetValueOrDefault("entity", "src_ip");
        if (!EntityRegistry.TryParseKind(storedEntity, out var kind))
            throw new StateException($"{_path}: unknown entity keying '{storedEntity}' in the state");
        if (entity is { } wanted && wanted != kind)
            throw new StateException($"{_path}: the state keys baselines by '{storedEntity}', not '{EntityRegistry.NameOf(wanted)}'; use a separate state per entity");
        Entities = new EntityRegistry(kind);
        using var cmd = Command("SELECT key, name FROM entities ORDER BY key");
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            Entities.Load((uint)reader.GetInt64(0), reader.GetString(1));
    }

    private bool HasColumn(SqliteTransaction tx, string table, string column)
    {
        using var cmd = Command($"SELECT count(*) FROM pragma_table_info('{table}') WHERE name = $c", tx);
        cmd.Parameters.AddWithValue("$c", column);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Sink names stored by older versions could hold a webhook's token; keep only the redacted form.</summary>
    private void RedactSinkNames(SqliteTransaction tx)
    {
        var names = new List<string>();
        using (var list = Command("SELECT DISTINCT sink FROM deliveries", tx))
        using (var reader = list.ExecuteReader())
        {
            while (reader.Read())
                names.Add(reader.GetString(0));
        }
        foreach (string name in names)
        {
            string redacted = SinkName.Redact(name);
            if (redacted == name)
                continue;
            using var rename = Command("UPDATE OR IGNORE deliveries SET sink = $to WHERE sink = $from", tx);
            rename.Parameters.AddWithValue("$from", name);
            rename.Parameters.AddWithValue("$to", redacted);
            rename.ExecuteNonQuery();
            using var drop = Command("DELETE FROM deliveries WHERE sink = $from", tx);
            drop.Parameters.AddWithValue("$from", name);
            drop.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// A FlowSpike state has a meta table with a schema version, a lookup and applied windows. Anything else is another
    /// application's database: refused, and not written to.
    /// </summary>
    private bool RefuseForeign()
    {
        var tables = new List<string>();
        using (var cmd = Command("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"))
        using (var reader = cmd.ExecuteReader())
        {
            while (reader.Read())
                tables.Add(reader.GetString(0));
        }
        if (tables.Count == 0)
            return true;
        bool ours = tables.Contains("meta") && tables.Contains("lookup");
        if (ours)
        {
            using var cmd = Command("SELECT count(*) FROM meta WHERE key = 'schema_version'");
            ours = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) == 1;
        }
        if (!ours)
        {
            string shown = "tables " + string.Join(", ", tables.Take(5)) + (tables.Count > 5 ? ", ..." : "");
            throw new StateException($"{_path}: an SQLite database of another application ({shown}; " +
                "no FlowSpike meta table), not a FlowSpike state; it is left untouched");
        }
        return false;
    }

    private Dictionary<string, string> ReadMeta()
    {
        using var cmd = Command("SELECT key, value FROM meta");
        using var reader = cmd.ExecuteReader();
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
            meta[reader.GetString(0)] = reader.GetString(1);
        return meta;
    }

    private static long? Long(Dictionary<string, string> meta, string key) =>
        meta.TryGetValue(key, out string? v) ? long.Parse(v, CultureInfo.InvariantCulture) : null;

    private void InsertRows(SqliteTransaction tx, IEnumerable<BaselineRow> rows)
    {
        using var cmd = Command("INSERT OR REPLACE INTO lookup(src, latest_count, num_data_points, avg, stdev, model_state) VALUES ($src, $l, $n, $a, $s, $m)", tx);
        var src = cmd.Parameters.Add("$src", SqliteType.Integer);
        var l = cmd.Parameters.Add("$l", SqliteType.Integer);
        var n = cmd.Parameters.Add("$n", SqliteType.Integer);
        var a = cmd.Parameters.Add("$a", SqliteType.Real);
        var s = cmd.Parameters.Add("$s", SqliteType.Real);
        var m = cmd.Parameters.Add("$m", SqliteType.Blob);
        cmd.Prepare();
        foreach (var row in rows)
        {
            src.Value = (long)row.Src;
            l.Value = (object?)row.LatestCount ?? DBNull.Value;
            n.Value = (object?)row.NumDataPoints ?? DBNull.Value;
            a.Value = (object?)row.Avg ?? DBNull.Value;
            s.Value = (object?)row.Stdev ?? DBNull.Value;
            m.Value = (object?)row.ModelState ?? DBNull.Value;
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Stores the entity names scans added since the last commit; returns how many are stored then.</summary>
    private int SaveEntities(SqliteTransaction tx)
    {
        var unsaved = Entities.Unsaved();
        if (unsaved.Count == 0)
            return Entities.Saved;
        using var cmd = Command("INSERT OR IGNORE INTO entities(key, name) VALUES ($k, $n)", tx);
        var k = cmd.Parameters.Add("$k", SqliteType.Integer);
        var n = cmd.Parameters.Add("$n", SqliteType.Text);
        cmd.Prepare();
        foreach (var (key, name) in unsaved)
        {
            k.Value = (long)key;
            n.Value = name;
            cmd.ExecuteNonQuery();
        }
        return Entities.Saved + unsaved.Count;
    }

    private void SetMeta(SqliteTransaction tx, string key, object value)
    {
        using var cmd = Command("INSERT OR REPLACE INTO meta(key, value) VALUES ($k, $v)", tx);
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$v", Convert.ToString(value, CultureInfo.InvariantCulture));
        cmd.ExecuteNonQuery();
    }

    private void InTransaction(Action<SqliteTransaction> work)
    {
        try
        {
            using var tx = _connection.BeginTransaction();
            work(tx);
            int saved = SaveEntities(tx);
            tx.Commit();
            Entities.MarkSaved(saved);
        }
        catch (SqliteException e)
        {
            throw new StateException($"{_path}: {Describe(e, _path)}; the transaction was rolled back and the state is unchanged", e);
        }
    }

    private void Execute(SqliteTransaction? tx, string sql)
    {
        using var cmd = Command(sql, tx);
        cmd.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, SqliteTransaction? tx = null)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

    /// <summary>Reads outside a transaction fail the same clear way.</summary>
    private T Read<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (SqliteException e)
        {
            throw new StateException($"{_path}: {Describe(e, _path)}; the state is unchanged", e);
        }
    }

    private static string Describe(SqliteException e, string path) => e.SqliteErrorCode switch
    {
        8 => "the state file or its folder is read-only",
        13 => "the disk is full",
        10 when FreeBytes(path) is < (1 << 20) and var free => $"the disk is full ({free} bytes free)",
        10 => "disk I/O error",
        26 => "the file is not a FlowSpike state (not an SQLite database)",
        14 => "the state file cannot be opened",
        _ => e.Message,
    };

    private static long FreeBytes(string path)
    {
        try
        {
            return new DriveInfo(Path.GetDirectoryName(Path.GetFullPath(path))!).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return long.MaxValue;
        }
    }
}
