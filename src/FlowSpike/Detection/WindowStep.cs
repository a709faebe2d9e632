using FlowSpike.Aggregation;
using FlowSpike.Alerts;
using FlowSpike.Models;

namespace FlowSpike.Detection;

/// <summary>
/// One run of the detection (docs/spec.md §3) for one window: update every affected row with the model, test it,
/// and build alerts for the spiking hosts. Local runs, watch mode and the cluster all call this.
/// </summary>
internal static class WindowStep
{
    public static WindowResult Run(
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
        int allowlisted = 0;
        long counted = 0;
        // Hosts silent now: in the ESCU search's model only those whose latestCount was set change (it becomes null);
        // a model that learns from quiet windows steps every host.
        IEnumerable<uint> silent = model.UpdatesSilentHosts
            ? [.. table.Rows.Select(r => r.Src)]
            : table.SourcesWithLatest;
        foreach (uint src in silent)
        {
            if (sources.ContainsKey(src))
                continue;
            table.TryGet(src, out var row);
            var updated = model.Step(row, src, null, windowStart).Updated;
            table.Set(updated);
            changed.Add(updated);
        }
        var scores = new List<HostScore>(sources.Count);
        var withLatest = new HashSet<uint>(sources.Count);
        foreach (var (src, stats) in sources)
        {
            counted += stats.Count;
            BaselineRow? stored = table.TryGet(src, out var row) ? row : null;
            var step = model.Step(stored, src, stats.Count, windowStart);
            var (updated, spike, threshold) = step;
            table.Set(updated);
            changed.Add(updated);
            withLatest.Add(src);
            scores.Add(new HostScore(src, stats.Count, spike, threshold));
            if (!spike)
                continue;
            string name = table.Names.NameOf(src);
            var alert = new Alert
            {
                WindowStart = windowStart,
                WindowEnd = windowEnd,
                SrcIp = table.Names.Kind == Selection.EntityKind.AccountVpcSrcIp
                    ? Selection.EntityRegistry.AddressOf(name)
                    : name,
                Entity = table.Names.IsIpv4Keyed ? null : name,
                Accounts = Sorted(stats.Accounts),
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
                Evidence = step.Evidence,
            };
            if (filter.Suppresses(alert))
                allowlisted++;
            else
                alerts.Add(alert);
        }
        table.ReplaceSourcesWithLatest(withLatest);
        alerts.Sort((a, b) => string.CompareOrdinal(a.Host, b.Host));
        return new WindowResult(windowStart, windowEnd, changed, alerts, sources.Count, counted, allowlisted)
        {
            Scores = scores,
        };
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
