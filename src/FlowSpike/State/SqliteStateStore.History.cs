using Microsoft.Data.Sqlite;

namespace FlowSpike.State;

/// <summary>Per-host history for explain and report, written with each window and pruned daily.</summary>
internal sealed partial class SqliteStateStore
{
    private void WriteHistory(SqliteTransaction tx, WindowCommit commit)
    {
        if (commit.History is null)
            return;
        InsertHistory(commit.History);
        // History is keyed by host for explain and report; pruning by time scans it, so do it once a day.
        if (commit.Result.WindowStart % 86400 != 0 && commit.WindowSeconds < 86400)
            return;
        using var prune = Command("DELETE FROM history WHERE window_start < $cut", tx);
        prune.Parameters.AddWithValue("$cut", commit.Result.WindowStart - commit.HistoryRetentionSeconds);
        prune.ExecuteNonQuery();
    }

    private void InsertHistory(IEnumerable<HistoryRow> history)
    {
        using var insert = new BatchInserter(_connection, "INSERT OR REPLACE INTO history(window_start, src, " +
            "count, avg, stdev, num_data_points, threshold, spike, alert_id, suppressed)", 10);
        foreach (var h in history)
        {
            insert.Integer(1, h.WindowStart);
            insert.Integer(2, (long)h.Src);
            insert.Integer(3, h.Count);
            insert.Real(4, h.Avg);
            insert.Real(5, h.Stdev);
            insert.Integer(6, h.NumDataPoints);
            insert.Real(7, h.Threshold is { } t && double.IsFinite(t) ? t : null);
            insert.Integer(8, h.Spike ? 1 : 0);
            insert.Text(9, h.AlertId);
            insert.Integer(10, h.Suppressed ? 1 : 0);
            insert.EndRow();
        }
        insert.Flush();
    }

    public IReadOnlyList<HistoryRow> History(uint src, long from = long.MinValue, long to = long.MaxValue) =>
        Read(() => HistoryCore(src, from, to));

    private List<HistoryRow> HistoryCore(uint src, long from, long to)
    {
        using var cmd = Command("SELECT window_start, count, avg, stdev, num_data_points, threshold, spike, " +
            "alert_id, suppressed FROM history WHERE src = $s AND window_start >= $f AND window_start < $t " +
            "ORDER BY window_start");
        cmd.Parameters.AddWithValue("$s", (long)src);
        cmd.Parameters.AddWithValue("$f", from);
        cmd.Parameters.AddWithValue("$t", to);
        using var r = cmd.ExecuteReader();
        var rows = new List<HistoryRow>();
        while (r.Read())
        {
            rows.Add(new HistoryRow(r.GetInt64(0), src, r.GetInt64(1), r.IsDBNull(2) ? null : r.GetDouble(2),
                r.IsDBNull(3) ? null : r.GetDouble(3), r.IsDBNull(4) ? null : r.GetInt64(4),
                r.IsDBNull(5) ? null : r.GetDouble(5), r.GetInt64(6) != 0, r.IsDBNull(7) ? null : r.GetString(7),
                r.GetInt64(8) != 0));
        }
        return rows;
    }
}
