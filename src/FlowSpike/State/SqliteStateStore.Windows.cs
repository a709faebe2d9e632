using System.Globalization;
using FlowSpike.Aggregation;
using Microsoft.Data.Sqlite;

namespace FlowSpike.State;

/// <summary>Committed windows (one transaction each), suppression marks, and the counts of watch's open
/// windows.</summary>
internal sealed partial class SqliteStateStore
{
    /// <summary>
    /// The detail sets watch mode keeps per (window, source) until the window closes, one table each. Writing lists a
    /// scan's names without building sets; loading fills the sets.
    /// </summary>
    private static readonly (string Table, string Column, Func<SourceWindowStats, string[]?> List,
        Func<SourceWindowStats, HashSet<string>?> Get)[] OpenWindowDetails =
    [
        ("open_destinations", "destination", s => s.DestinationNames(), s => s.Destinations),
        ("open_interfaces", "interface", s => s.InterfaceNames(), s => s.Interfaces),
        ("open_accounts", "account", s => s.AccountNames(), s => s.Accounts),
    ];

    private static readonly string[] OpenWindowTables =
        ["open_counts", "open_windows", .. OpenWindowDetails.Select(d => d.Table)];

    public IReadOnlySet<long> ClosedWindows(long from, long to) => Read(() => ClosedWindowsCore(from, to));

    private HashSet<long> ClosedWindowsCore(long from, long to)
    {
        using var cmd = Command(
            "SELECT window_start FROM closed_windows WHERE window_start >= $from AND window_start < $to");
        cmd.Parameters.AddWithValue("$from", from);
        cmd.Parameters.AddWithValue("$to", to);
        using var reader = cmd.ExecuteReader();
        var set = new HashSet<long>();
        while (reader.Read())
            set.Add(reader.GetInt64(0));
        return set;
    }

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
            WriteSuppressions(tx, commit.Suppressions);
            InsertRows(result.ChangedRows);
            using (var mark = Command("INSERT INTO closed_windows(window_start, window_end, closed_at, sources, " +
                "records, alerts) VALUES ($s, $e, $at, $src, $rec, $al)", tx))
            {
                mark.Parameters.AddWithValue("$s", result.WindowStart);
                mark.Parameters.AddWithValue("$e", result.WindowEnd);
                mark.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                mark.Parameters.AddWithValue("$src", result.ActiveSources);
                mark.Parameters.AddWithValue("$rec", result.CountedRecords);
                mark.Parameters.AddWithValue("$al", result.Alerts.Count);
                mark.ExecuteNonQuery();
            }
            QueueAlerts(tx, alerts, sinks);
            SetMeta(tx, "committed_until", Math.Max(committed, result.WindowEnd));
            SetMeta(tx, "window_seconds", windowSeconds);
            // Watch mode's counts for this window are now in the lookup.
            foreach (string table in OpenWindowTables)
            {
                using var clear = Command($"DELETE FROM {table} WHERE window_start = $w", tx);
                clear.Parameters.AddWithValue("$w", result.WindowStart);
                clear.ExecuteNonQuery();
            }
        });
    }

    private void WriteSuppressions(SqliteTransaction tx, IReadOnlyDictionary<string, long> suppressions)
    {
        foreach (var (key, until) in suppressions)
        {
            using var sup = Command("INSERT OR REPLACE INTO suppression(key, until) VALUES ($k, $u)", tx);
            sup.Parameters.AddWithValue("$k", key);
            sup.Parameters.AddWithValue("$u", until);
            sup.ExecuteNonQuery();
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

    public bool HasRecords(long windowStart) => Read(() =>
    {
        using var cmd = Command("SELECT EXISTS(SELECT 1 FROM open_windows WHERE window_start = $w) " +
            "OR EXISTS(SELECT 1 FROM open_counts WHERE window_start = $w)");
        cmd.Parameters.AddWithValue("$w", windowStart);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) != 0;
    });

    public Dictionary<uint, SourceWindowStats> LoadOpenWindow(long windowStart) =>
        Read(() => LoadOpenWindowCore(windowStart));

    private Dictionary<uint, SourceWindowStats> LoadOpenWindowCore(long windowStart)
    {
        var sources = new Dictionary<uint, SourceWindowStats>();
        using (var cmd = Command("SELECT src, count FROM open_counts WHERE window_start = $w"))
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
        foreach (var (table, column, _, get) in OpenWindowDetails)
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
}
