using Microsoft.Data.Sqlite;

namespace FlowSpike.State;

/// <summary>The alert outbox: committed alerts and their per-sink deliveries, rejections and retries.</summary>
internal sealed partial class SqliteStateStore
{
    public IReadOnlyList<OutboxAlert> AllAlerts() => Read(() =>
    {
        using var cmd = Command("SELECT id, window_start, body FROM alerts ORDER BY window_start, rowid");
        using var reader = cmd.ExecuteReader();
        var list = new List<OutboxAlert>();
        while (reader.Read())
            list.Add(new OutboxAlert(reader.GetString(0), reader.GetInt64(1), reader.GetString(2)));
        return (IReadOnlyList<OutboxAlert>)list;
    });

    /// <summary>Puts a window's alerts in the outbox, due for each sink, inside the window's transaction.</summary>
    private void QueueAlerts(
        SqliteTransaction tx, IReadOnlyList<OutboxAlert> alerts, IReadOnlyCollection<string> sinks)
    {
        using var outbox = Command(
            "INSERT OR IGNORE INTO alerts(id, window_start, body, delivered) VALUES ($id, $w, $body, 0)", tx);
        using var due = Command(
            "INSERT OR IGNORE INTO deliveries(alert_id, sink, delivered) VALUES ($id, $sink, 0)", tx);
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

    public IReadOnlyList<OutboxAlert> OutboxAlerts(string sink, long? now = null) =>
        Read(() => OutboxAlertsCore(sink, now));

    private List<OutboxAlert> OutboxAlertsCore(string sink, long? now)
    {
        using var cmd = Command(
            "SELECT a.id, a.window_start, a.body, d.attempts FROM deliveries d JOIN alerts a ON a.id = d.alert_id " +
            "WHERE d.sink = $sink AND d.delivered = 0 AND ($now IS NULL OR d.retry_at IS NULL OR d.retry_at <= $now) " +
            "ORDER BY a.window_start, a.rowid");
        cmd.Parameters.AddWithValue("$sink", sink);
        cmd.Parameters.AddWithValue("$now", (object?)now ?? DBNull.Value);
        using var reader = cmd.ExecuteReader();
        var list = new List<OutboxAlert>();
        while (reader.Read())
        {
            list.Add(new OutboxAlert(reader.GetString(0), reader.GetInt64(1), reader.GetString(2),
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
            PruneDelivered(tx, alertIds);
        });

    /// <summary>
    /// The outbox forgets an alert once every sink has it: its delivery rows go and the alert is marked delivered.
    /// The alert itself stays, as the record that report and explain read.
    /// </summary>
    private void PruneDelivered(SqliteTransaction tx, IReadOnlyCollection<string> alertIds)
    {
        using var done = Command("UPDATE alerts SET delivered = 1 WHERE id = $id AND NOT EXISTS " +
            "(SELECT 1 FROM deliveries WHERE alert_id = $id AND delivered = 0)", tx);
        using var drop = Command("DELETE FROM deliveries WHERE alert_id = $id AND NOT EXISTS " +
            "(SELECT 1 FROM deliveries WHERE alert_id = $id AND delivered = 0)", tx);
        var doneId = done.Parameters.Add("$id", SqliteType.Text);
        var dropId = drop.Parameters.Add("$id", SqliteType.Text);
        foreach (string alertId in alertIds)
        {
            doneId.Value = dropId.Value = alertId;
            done.ExecuteNonQuery();
            drop.ExecuteNonQuery();
        }
    }

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

    public IReadOnlyCollection<string> SinksWithHeld() => Read(() =>
    {
        using var cmd = Command("SELECT DISTINCT sink FROM deliveries WHERE delivered = 0 ORDER BY sink");
        using var reader = cmd.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
            names.Add(reader.GetString(0));
        return (IReadOnlyCollection<string>)names;
    });

    public int MoveHeld(string from, string to)
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
}
