namespace FlowSpike.Alerts;

/// <summary>
/// Throttling as an alerting rule does it: after an alert, the same key stays quiet for <see cref="WindowSeconds"/>
/// (the original rule used src_ip and 14400 s). Off by default, as the ESCU search itself suppresses nothing. The
/// marks live in the state, so a restart does not re-alert.
/// </summary>
internal sealed record Suppression(long WindowSeconds, SuppressionKey Key = SuppressionKey.SrcIp)
{
    public static Suppression None { get; } = new(0);

    public bool Enabled => WindowSeconds > 0;

    public string KeyOf(Alert alert) => Key switch
    {
        SuppressionKey.SrcIpAndResources => $"{alert.Host}|{string.Join(',', alert.ResourceIds)}",
        _ => alert.Host,
    };

    /// <summary>
    /// One window's throttling: an alert goes out unless its key is quiet, by a stored mark (<paramref name="quiet"/>)
    /// or by an earlier alert of the same window. Returns the alerts to deliver, the new marks and the ids withheld.
    /// </summary>
    public (List<Alert> Deliver, Dictionary<string, long> Marks, HashSet<string> Suppressed) Select(
        IReadOnlyList<Alert> alerts, IReadOnlyDictionary<string, long> quiet)
    {
        var deliver = new List<Alert>(alerts.Count);
        var marks = new Dictionary<string, long>(StringComparer.Ordinal);
        var suppressed = new HashSet<string>(StringComparer.Ordinal);
        if (!Enabled)
        {
            deliver.AddRange(alerts);
            return (deliver, marks, suppressed);
        }
        foreach (var alert in alerts)
        {
            string key = KeyOf(alert);
            if ((quiet.TryGetValue(key, out long until) && alert.WindowStart < until)
                || (marks.TryGetValue(key, out until) && alert.WindowStart < until))
            {
                suppressed.Add(alert.Id);
                continue;
            }
            marks[key] = alert.WindowStart + WindowSeconds;
            deliver.Add(alert);
        }
        return (deliver, marks, suppressed);
    }
}
