using System.Globalization;
using FlowSpike.Models;
using FlowSpike.Selection;
using Microsoft.Data.Sqlite;

namespace FlowSpike.State;

/// <summary>Creating a new state, refusing a foreign file, and migrating older schema versions.</summary>
internal sealed partial class SqliteStateStore
{
    public const int SchemaVersion = 4;

    /// <summary>Watch mode's windows with any flow-log record (blocked outbound or not), told from silence.</summary>
    private const string OpenWindowsTable =
        "CREATE TABLE IF NOT EXISTS open_windows(window_start INTEGER PRIMARY KEY, records INTEGER NOT NULL)";

    private const string AlertsUndeliveredIndex =
        "CREATE INDEX IF NOT EXISTS alerts_undelivered ON alerts(delivered, window_start)";

    /// <summary>Tables of schema version 3 and before, by their version 4 names.</summary>
    private static readonly (string From, string To)[] RenamedTables =
    [
        ("applied_windows", "closed_windows"), ("pending_windows", "open_windows"), ("pending_counts", "open_counts"),
        ("pending_destinations", "open_destinations"), ("pending_interfaces", "open_interfaces"),
        ("pending_accounts", "open_accounts"),
    ];

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
            InTransaction(tx => CreateTables(tx, model, entity));
            Entities = new EntityRegistry(entity ?? SpikeModels.DefaultEntity(model));
            return;
        }
        var meta = ReadMeta();
        Migrate(Long(meta, "schema_version") ?? 0);
        if (!mustExist)
            Execute(null, OpenWindowsTable);
        AddLedgerStamps();
        string stored = meta.GetValueOrDefault("model", SplunkModel.ModelName);
        if (model is not null && !string.Equals(stored, model, StringComparison.Ordinal))
            throw new StateException($"{_path}: the state was built with model '{stored}', not '{model}'; " +
                $"ask for model '{stored}' to use it, or use a separate state per model");
        LoadEntities(meta, entity);
    }

    /// <summary>
    /// Checks a state opened read-only, as <see cref="Initialise"/> does, writing nothing. False when its schema is
    /// older than this version's (it must be upgraded, which writes).
    /// </summary>
    private bool InitialiseReadOnly()
    {
        if (RefuseForeign())
            throw new StateException($"{_path}: the file holds no FlowSpike state (it is empty); it is left untouched");
        Execute(null, "PRAGMA busy_timeout=2000");
        var meta = ReadMeta();
        long version = Long(meta, "schema_version") ?? 0;
        if (version > SchemaVersion)
            throw new StateException($"{_path}: unknown state schema version {version}");
        if (version < SchemaVersion)
            return false;
        LoadEntities(meta, entity: null);
        return true;
    }

    private void LoadEntities(Dictionary<string, string> meta, EntityKind? entity)
    {
        string storedEntity = meta.GetValueOrDefault("entity", "src_ip");
        if (!EntityRegistry.TryParseKind(storedEntity, out var kind))
            throw new StateException($"{_path}: unknown entity keying '{storedEntity}' in the state");
        if (entity is { } wanted && wanted != kind)
            throw new StateException($"{_path}: the state keys baselines by '{storedEntity}', not " +
                $"'{EntityRegistry.NameOf(wanted)}'; use a separate state per entity");
        Entities = new EntityRegistry(kind);
        using var cmd = Command("SELECT key, name FROM entities ORDER BY key");
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            Entities.Load((uint)reader.GetInt64(0), reader.GetString(1));
    }

    private void CreateTables(SqliteTransaction tx, string? model, EntityKind? entity)
    {
        Execute(tx, "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        Execute(tx, "CREATE TABLE lookup(src INTEGER PRIMARY KEY, latest_count INTEGER, num_data_points INTEGER, " +
            "avg REAL, stdev REAL, model_state BLOB)");
        Execute(tx, "CREATE TABLE closed_windows(window_start INTEGER PRIMARY KEY, window_end INTEGER NOT NULL, " +
            "closed_at TEXT NOT NULL, sources INTEGER NOT NULL, records INTEGER NOT NULL, alerts INTEGER NOT NULL)");
        Execute(tx, "CREATE TABLE alerts(id TEXT PRIMARY KEY, window_start INTEGER NOT NULL, body TEXT NOT NULL, " +
            "delivered INTEGER NOT NULL)");
        Execute(tx, AlertsUndeliveredIndex);
        Execute(tx, "CREATE TABLE suppression(key TEXT PRIMARY KEY, until INTEGER NOT NULL)");
        Execute(tx, "CREATE TABLE history(window_start INTEGER NOT NULL, src INTEGER NOT NULL, " +
            "count INTEGER NOT NULL, avg REAL, stdev REAL, num_data_points INTEGER, threshold REAL, " +
            "spike INTEGER NOT NULL, alert_id TEXT, " +
            "suppressed INTEGER NOT NULL, PRIMARY KEY(src, window_start)) WITHOUT ROWID");
        Execute(tx, "CREATE TABLE deliveries(alert_id TEXT NOT NULL, sink TEXT NOT NULL, delivered INTEGER NOT NULL, " +
            "attempts INTEGER NOT NULL DEFAULT 0, retry_at INTEGER, last_error TEXT, PRIMARY KEY(sink, alert_id))");
        Execute(tx, "CREATE TABLE ledger(path TEXT PRIMARY KEY, size INTEGER NOT NULL, version TEXT NOT NULL, " +
            "status TEXT NOT NULL, records INTEGER NOT NULL, late INTEGER NOT NULL, error TEXT, " +
            "processed_at TEXT NOT NULL, stamp INTEGER)");
        Execute(tx, LedgerStampIndex);
        Execute(tx, "CREATE TABLE open_counts(window_start INTEGER NOT NULL, src INTEGER NOT NULL, " +
            "count INTEGER NOT NULL, PRIMARY KEY(window_start, src))");
        foreach (var (table, column, _, _) in OpenWindowDetails)
        {
            Execute(tx, $"CREATE TABLE {table}(window_start INTEGER NOT NULL, src INTEGER NOT NULL, " +
                $"{column} TEXT NOT NULL, PRIMARY KEY(window_start, src, {column}))");
        }
        Execute(tx, "CREATE TABLE entities(key INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
        Execute(tx, OpenWindowsTable);
        SetMeta(tx, "schema_version", SchemaVersion);
        SetMeta(tx, "model", model ?? SplunkModel.ModelName);
        SetMeta(tx, "entity", EntityRegistry.NameOf(entity ?? SpikeModels.DefaultEntity(model)));
    }

    /// <summary>Brings an older state up to <see cref="SchemaVersion"/>, one transaction per version.</summary>
    private void Migrate(long version)
    {
        if (version > SchemaVersion)
            throw new StateException($"{_path}: the state was written by a newer FlowSpike (schema version " +
                $"{version}; this build knows {SchemaVersion}); it is left untouched");
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
                var columns = new[]
                {
                    ("attempts", "INTEGER NOT NULL DEFAULT 0"), ("retry_at", "INTEGER"), ("last_error", "TEXT"),
                };
                foreach (var (column, type) in columns)
                {
                    if (!HasColumn(tx, "deliveries", column))
                        Execute(tx, $"ALTER TABLE deliveries ADD COLUMN {column} {type}");
                }
                RedactSinkNames(tx);
                SetMeta(tx, "schema_version", 3);
            });
            version = 3;
        }
        if (version == 3)
        {
            // Version 4 names tables by the README's terms: windows are closed, or open while watch counts them.
            InTransaction(tx =>
            {
                foreach (var (from, to) in RenamedTables)
                {
                    if (HasTable(tx, from))
                        Execute(tx, $"ALTER TABLE {from} RENAME TO {to}");
                }
                if (HasColumn(tx, "closed_windows", "applied_at"))
                    Execute(tx, "ALTER TABLE closed_windows RENAME COLUMN applied_at TO closed_at");
                Execute(tx, "DROP INDEX IF EXISTS alerts_pending");
                if (HasTable(tx, "alerts"))
                    Execute(tx, AlertsUndeliveredIndex);
                SetMeta(tx, "schema_version", SchemaVersion);
            });
            version = SchemaVersion;
        }
        if (version < SchemaVersion)
            throw new StateException($"{_path}: unknown state schema version {version}");
    }

    private bool HasTable(SqliteTransaction tx, string table)
    {
        using var cmd = Command("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $t", tx);
        cmd.Parameters.AddWithValue("$t", table);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    private bool HasColumn(SqliteTransaction tx, string table, string column)
    {
        using var cmd = Command($"SELECT count(*) FROM pragma_table_info('{table}') WHERE name = $c", tx);
        cmd.Parameters.AddWithValue("$c", column);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Sink names stored by older versions could hold a webhook's token: keep only the redacted form.
    /// </summary>
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
    /// A FlowSpike state has a meta table with a schema version, a lookup and closed windows. Anything else is another
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
}
