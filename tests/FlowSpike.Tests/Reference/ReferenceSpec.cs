// Plain reference implementation of docs/spec.md, written from the spec alone.
// It is deliberately simple (strings, Split, LINQ, Dictionary) so that it is easy to check by eye;
// the tests compare the fast production code against it. Speed is not a goal here.

namespace FlowSpike.Tests.Reference;

/// <summary>One VPC flow log record, reduced to the fields the detection uses.</summary>
public sealed record RefRecord(
    long Start, string SrcAddr, string DstAddr, string Action, string InterfaceId, string LogStatus);

/// <summary>One row of the lookup <c>baseline_blocked_outbound_connections</c>; null = empty field.</summary>
public sealed record RefRow(string SrcIp, long? LatestCount, long? NumDataPoints, double? Avg, double? Stdev);

/// <summary>One alert: a spiking src_ip in one window.</summary>
public sealed record RefAlert(long WindowStart, long WindowEnd, string SrcIp, long BlockedConnections,
    long UniqueDestConnections, string[] BlockedDestIps, string[] ResourceIds, long LatestCount, long NumDataPoints,
    double Avg, double Stdev, double Threshold);

/// <summary>The reference implementation, one file per part of docs/spec.md: this one §2, the baseline.</summary>
public static partial class ReferenceSpec
{
    public static Dictionary<string, RefRow> Baseline(IEnumerable<RefRecord> records, long from, long to, long span,
        IReadOnlyList<string>? internalCidrs = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(span);

        // Count records per (src_ip, bucket).
        var counts = new Dictionary<string, Dictionary<long, long>>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            if (r.Start < from || r.Start >= to || !Counts(r, internalCidrs))
                continue;
            var bucket = FloorToMultiple(r.Start, span);
            if (!counts.TryGetValue(r.SrcAddr, out var perBucket))
            {
                perBucket = [];
                counts[r.SrcAddr] = perBucket;
            }
            perBucket[bucket] = perBucket.GetValueOrDefault(bucket) + 1;
        }

        // Statistics per src_ip over its non-empty buckets.
        var result = new Dictionary<string, RefRow>(StringComparer.Ordinal);
        foreach (var (src, perBucket) in counts)
        {
            var values = perBucket.Values.Select(v => (double)v).ToList();
            var n = values.Count;
            var latestBucket = perBucket.Keys.Max();
            var latestCount = perBucket[latestBucket];
            var mean = values.Sum() / n;
            var stdev = n == 1 ? 0.0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1));
            result[src] = new RefRow(src, latestCount, n, mean, stdev);
        }
        return result;
    }

    /// <summary>
    /// The largest multiple of <paramref name="step"/> that is &lt;= <paramref name="value"/> (floor, also for
    /// negative values).
    /// </summary>
    private static long FloorToMultiple(long value, long step)
    {
        var q = value / step;
        if (value % step != 0 && value < 0)
            q--;
        return q * step;
    }
}
