using System.Globalization;
using FlowSpike.Models;
using FlowSpike.Selection;
using Microsoft.Data.Sqlite;

namespace FlowSpike.State;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with full fsync. Windows are closed one transaction each,
/// under an exclusive process lock.
/// </summary>
internal sealed partial class SqliteStateStore : IStateStore
{
    private readonly string _path;
    private readonly SqliteConnection _connection;
    private readonly StateLock? _lock;
    private string? _createdAt;
    private bool _changed;

    private SqliteStateStore(string path, SqliteConnection connection, StateLock? stateLock)
    {
        _path = path;
        _connection = connection;
        _lock = stateLock;
    }

    /// <summary>
    /// Opens or creates the state, taking the process lock. <paramref name="model"/> must match a state's stored
    /// model (null: whatever it has; splunk for a new one), and <paramref name="entity"/> its entity keying (null:
    /// whatever the state has; src_ip for a new one).
    /// With <paramref name="mustExist"/> (read-only commands) a missing state is an error and nothing is created.
    /// Another application's SQLite file is refused before anything is written to it.
    /// With <paramref name="removeIfUnchanged"/> (jobs), a state this open creates is removed on dispose unless a run
    /// changed it, so a first run that fails leaves no state behind.
    /// </summary>
    public static SqliteStateStore Open(string path, string? model = null, EntityKind? entity = null,
        bool mustExist = false, bool removeIfUnchanged = false)
    {
        string real = RealPath(path, mustExist);
        bool creating = !File.Exists(real);
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
            // Creating the tables is not a change a run made: a new state no run changes is removed on dispose.
            store._createdAt = creating && removeIfUnchanged ? real : null;
            store._changed = false;
            return store;
        }
        catch (Exception e)
        {
            connection?.Dispose();
            if (creating)
                RemoveNew(real);
            stateLock.Dispose();
            if (e is SqliteException sqlite)
                throw new StateException($"{path}: {Describe(sqlite, real)}; the state is unchanged", e);
            throw;
        }
    }

    /// <summary>
    /// Opens an existing state only to read it (explain, report, lookup export). It takes no process lock, so it reads
    /// beside a running detect or watch (SQLite's WAL gives it the windows committed so far), and it writes nothing, so
    /// a state the user may only read (a service account's, a read-only mount) opens too. A missing, empty or foreign
    /// file is refused; a state of an older schema is opened as a job opens it, to be upgraded first.
    /// </summary>
    public static SqliteStateStore OpenReadOnly(string path)
    {
        string real = RealPath(path, mustExist: true);
        try
        {
            return ConnectReadOnly(path, real, immutable: false);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 8 or 14 && !File.Exists(real + "-wal"))
        {
            // A WAL reader creates the -shm file beside the state. In a folder it cannot write, and with no -wal
            // file (no process has the state open to write), the file cannot change while it is read.
            return ConnectReadOnly(path, real, immutable: true);
        }
        catch (SqliteException e)
        {
            throw new StateException($"{path}: {Describe(e, real)}; the state is unchanged", e);
        }
    }

    private static SqliteStateStore ConnectReadOnly(string path, string real, bool immutable)
    {
        string source = immutable ? new Uri(real).AbsoluteUri + "?immutable=1" : real;
        var settings = new SqliteConnectionStringBuilder
        {
            DataSource = source,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        };
        var connection = new SqliteConnection(settings.ToString());
        try
        {
            connection.Open();
            var store = new SqliteStateStore(path, connection, stateLock: null);
            if (store.InitialiseReadOnly())
                return store;
            connection.Dispose();
            return Open(path, mustExist: true);
        }
        catch
        {
            connection.Dispose();
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

    /// <summary>
    /// Closes the state. A state this open created for a job and no run changed (a first run that failed on a bad
    /// range or input, or had nothing to do) is removed with its lock file, so a mistake leaves no state behind.
    /// </summary>
    public void Dispose()
    {
        _connection.Dispose();
        if (_createdAt is { } created && !_changed)
            RemoveNew(created);
        _lock?.Dispose();
    }

    /// <summary>Removes a state file this process created, while it still holds the state's lock.</summary>
    private static void RemoveNew(string real)
    {
        foreach (string file in new[] { real + "-wal", real + "-shm", real, real + ".lock" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
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
            _changed = true;
            Entities.MarkSaved(saved);
        }
        catch (SqliteException e)
        {
            throw new StateException(
                $"{_path}: {Describe(e, _path)}; the transaction was rolled back and the state is unchanged", e);
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
