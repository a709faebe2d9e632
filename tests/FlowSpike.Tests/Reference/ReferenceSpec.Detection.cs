
namespace FlowSpike.Tests.Reference;

/// <summary>docs/spec.md §3: the detection, one run per window.</summary>
public static partial class ReferenceSpec
{

    public static List<RefAlert> Detect(Dictionary<string, RefRow> lookup, IEnumerable<RefRecord> records, long from,
        long to, long window, double deviationThreshold = 3, long dataPointThreshold = 5, double weight = 720,
        IReadOnlyList<string>? internalCidrs = null,
        IReadOnlyList<string>? allowSrc = null, IReadOnlyList<string>? allowDest = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);

        var allowSrcNets = allowSrc == null ? null : ParseCidrs(allowSrc);
        var allowDestNets = allowDest == null ? null : ParseCidrs(allowDest);
        // Counted records grouped by the start of their epoch-aligned window.
        var byWindow = records
            .Where(r => Counts(r, internalCidrs))
            .GroupBy(r => FloorToMultiple(r.Start, window))
            .ToDictionary(g => g.Key, g => g.ToList());
        var alerts = new List<RefAlert>();

        // Windows: every epoch-aligned [ws, ws + window) that lies entirely inside [from, to), in time order.
        var firstStart = FloorToMultiple(from, window);
        if (firstStart < from)
            firstStart += window;

        for (var ws = firstStart; ws + window <= to; ws += window)
        {
            var we = ws + window;
            var inWindow = byWindow.GetValueOrDefault(ws) ?? [];

            // 3.1: latestCount per src in this window.
            var latest = inWindow
                .GroupBy(r => r.SrcAddr, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);

            // 3.2 / 3.3: merge every src of the window and of the lookup, rewrite the lookup.
            var allSrcs = lookup.Keys.Union(latest.Keys, StringComparer.Ordinal).ToList();
            foreach (var src in allSrcs)
            {
                lookup.TryGetValue(src, out var old);
                long? latestCount = latest.TryGetValue(src, out var c) ? c : null;
                lookup[src] = UpdateRow(src, latestCount, old, weight);
            }

            // 3.4 / 3.5: score and report.
            foreach (var src in allSrcs.OrderBy(s => s, StringComparer.Ordinal))
            {
                var row = lookup[src];
                if (!IsSpike(row, deviationThreshold, dataPointThreshold))
                    continue;

                var mine = inWindow.Where(r => r.SrcAddr == src).ToList();
                var destIps = mine.Select(r => r.DstAddr).Distinct(StringComparer.Ordinal)
                    .OrderBy(s => s, StringComparer.Ordinal).ToArray();
                var resourceIds = mine.Select(r => r.InterfaceId).Distinct(StringComparer.Ordinal)
                    .OrderBy(s => s, StringComparer.Ordinal).ToArray();

                // 3.6: optional allowlists (default: nothing suppressed).
                if (allowSrcNets != null && InsideAny(src, allowSrcNets))
                    continue;
                if (allowDestNets != null && destIps.All(d => InsideAny(d, allowDestNets)))
                    continue;

                alerts.Add(new RefAlert(
                    WindowStart: ws,
                    WindowEnd: we,
                    SrcIp: src,
                    BlockedConnections: mine.Count,
                    UniqueDestConnections: destIps.Length,
                    BlockedDestIps: destIps,
                    ResourceIds: resourceIds,
                    LatestCount: row.LatestCount!.Value,
                    NumDataPoints: row.NumDataPoints!.Value,
                    Avg: row.Avg!.Value,
                    Stdev: row.Stdev!.Value,
                    Threshold: row.Avg!.Value + deviationThreshold * row.Stdev!.Value));
            }
        }
        return alerts;
    }

    /// <summary>docs/spec.md §3.2, with SPL null semantics: any arithmetic with a null operand is null.</summary>
    private static RefRow UpdateRow(string src, long? latestCount, RefRow? old, double weight)
    {
        // "fields - latestCount": the stored latestCount is dropped; only the other columns are merged.
        double? avg = old?.Avg;
        double? stdev = old?.Stdev;
        long? numDataPoints = old?.NumDataPoints;
        double? latest = latestCount;

        // newAvg = avg + (latestCount - avg) / W
        double? newAvg = avg + (latest - avg) / weight;

        // newStdev = sqrt((stdev^2 * (W-1) + (latestCount - newAvg) * (latestCount - avg)) / W)
        double? variance = (stdev * stdev * (weight - 1) + (latest - newAvg) * (latest - avg)) / weight;
        double? newStdev = variance == null ? null : Math.Sqrt(variance.Value);
        if (newStdev is double s && double.IsNaN(s))
            newStdev = null; // SPL's sqrt of a negative number is null (cannot happen for W >= 1)

        return new RefRow(
            SrcIp: src,
            LatestCount: latestCount,
            NumDataPoints: latestCount == null ? numDataPoints : numDataPoints + 1,
            Avg: newAvg ?? avg,
            Stdev: newStdev ?? stdev);
    }

    /// <summary>
    /// docs/spec.md §3.4: latestCount &gt; avg + k*stdev AND numDataPoints &gt; threshold; false if anything is null.
    /// </summary>
    private static bool IsSpike(RefRow row, double deviationThreshold, long dataPointThreshold)
    {
        if (row.LatestCount == null || row.Avg == null || row.Stdev == null || row.NumDataPoints == null)
            return false;
        return row.LatestCount.Value > row.Avg.Value + deviationThreshold * row.Stdev.Value
            && row.NumDataPoints.Value > dataPointThreshold;
    }

    private static bool InsideAny(string ipText, List<Cidr> nets)
    {
        var ip = ParseIp(ipText);
        return ip != null && nets.Any(net => net.Contains(ip));
    }
}
