using FlowSpike.Aggregation;
using FlowSpike.Alerts;
using FlowSpike.Baseline;

namespace FlowSpike.Detection;

/// <summary>
/// One run of the detection (SPEC section 3) for one window: update every affected row with the model, test it,
/// and build alerts for the spiking hosts. Local runs, watch mode and the cluster all call this.
/// </summary>
public static class WindowStep
{
    public static WindowResult Apply(
        long windowStart,
        long windowEnd,
        IReadOnlyDictionary<uint, SourceWindowStats> sources,
        BaselineTable table,
        ISpikeModel model,
        AlertFilter filter,
        SpikeSettings settings)
    {
        var changed = new List<BaselineRow>(sources.Count + table.SourcesWithLatest.Count);
        var alerts = new List<Alert>();
        int suppressed = 0;
        long counted = 0;
        // Hosts silent now whose latestCount was set: only that field changes (to null).
        foreach (uint src in table.SourcesWithLatest)
        {
            if (sources.ContainsKey(src))
                continue;
            table.TryGet(src, out var row);
            var updated = model.Update(row, src, null);
            table.Set(updated);
            changed.Add(updated);
        }
        var withLatest = new HashSet<uint>(sources.Count);
        foreach (var (src, stats) in sources)
        {
            counted += stats.Count;
            BaselineRow? stored = table.TryGet(src, out var row) ? row : null;
            var updated = model.Update(stored, src, stats.Count);
            table.Set(updated);
            changed.Add(updated);
            withLatest.Add(src);
            if (!model.IsSpike(updated, out double threshold))
                continue;
            var alert = new Alert
            {
                WindowStart = windowStart,
                WindowEnd = windowEnd,
                SrcIp = updated.SrcIp,
                BlockedConnections = stats.Count,
                BlockedDestIps = Sorted(stats.Destinations),
                ResourceIds = Sorted(stats.Interfaces),
                LatestCount = updated.LatestCount!.Value,
                NumDataPoints = updated.NumDataPoints!.Value,
                AvgBlockedConnections = updated.Avg!.Value,
                StdevBlockedConnections = updated.Stdev!.Value,
                Threshold = threshold,
                Model = model.Name,
                DeviationThreshold = settings.DeviationThreshold,
                DataPointThreshold = settings.DataPointThreshold,
            };
            if (filter.Suppresses(alert))
                suppressed++;
            else
                alerts.Add(alert);
        }
        table.ReplaceSourcesWithLatest(withLatest);
        alerts.Sort((a, b) => string.CompareOrdinal(a.SrcIp, b.SrcIp));
        return new WindowResult(windowStart, windowEnd, changed, alerts, sources.Count, counted, suppressed);
    }

    private static string[] Sorted(HashSet<string>? values)
    {
        if (values is null)
            return [];
        var array = values.ToArray();
        Array.Sort(array, StringComparer.Ordinal);
        return array;
    }
}
