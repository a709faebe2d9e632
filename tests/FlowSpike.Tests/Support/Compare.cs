using System.Text.Json;
using FlowSpike.Models;
using FlowSpike.Tests.Reference;

namespace FlowSpike.Tests.Support;

/// <summary>Asserts that production output equals the reference implementation's, numbers to 1e-9 relative.</summary>
public static class Compare
{
    public const double Tolerance = 1e-9;

    public static void Close(double? expected, double? actual, string what)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{what}: expected {Show(expected)}, got {Show(actual)}");
            return;
        }
        double e = expected.Value, a = actual.Value;
        double scale = Math.Max(Math.Abs(e), Math.Abs(a));
        Assert.True(Math.Abs(e - a) <= Tolerance * Math.Max(scale, 1e-300) || e == a,
            $"{what}: expected {e:R}, got {a:R}");
    }

    internal static void Lookup(Dictionary<string, RefRow> expected, IReadOnlyList<BaselineRow> actual)
    {
        var byIp = actual.ToDictionary(r => r.SrcIp);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), byIp.Keys.Order(StringComparer.Ordinal));
        foreach (var (ip, e) in expected)
        {
            var a = byIp[ip];
            Assert.True(e.LatestCount == a.LatestCount,
                $"{ip} latestCount: expected {Show(e.LatestCount)}, got {Show(a.LatestCount)}");
            Assert.True(e.NumDataPoints == a.NumDataPoints,
                $"{ip} numDataPoints: expected {Show(e.NumDataPoints)}, got {Show(a.NumDataPoints)}");
            Close(e.Avg, a.Avg, $"{ip} avg");
            Close(e.Stdev, a.Stdev, $"{ip} stdev");
        }
    }

    public static void Alerts(IReadOnlyList<RefAlert> expected, IReadOnlyList<JsonElement> actual)
    {
        var exp = expected.Select(a => $"{a.WindowStart}/{a.SrcIp}").ToList();
        var act =
            actual.Select(a =>
                DateTimeOffset.Parse(a.GetProperty("window_start").GetString()!,
                    System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds()
                + $"/{a.GetProperty("src_ip").GetString()}").ToList();
        Assert.Equal(exp, act);
        for (int i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var a = actual[i];
            Assert.Equal(e.WindowEnd,
                DateTimeOffset.Parse(a.GetProperty("window_end").GetString()!,
                    System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds());
            Assert.Equal(e.BlockedConnections, a.GetProperty("blocked_connections").GetInt64());
            Assert.Equal(e.UniqueDestConnections, a.GetProperty("unique_dest_connections").GetInt64());
            Assert.Equal(e.BlockedDestIps,
                a.GetProperty("blocked_dest_ips").EnumerateArray().Select(x => x.GetString()!).ToArray());
            Assert.Equal(e.ResourceIds,
                a.GetProperty("resource_ids").EnumerateArray().Select(x => x.GetString()!).ToArray());
            Assert.Equal(e.LatestCount, a.GetProperty("latest_count").GetInt64());
            Assert.Equal(e.NumDataPoints, a.GetProperty("num_data_points").GetInt64());
            Close(e.Avg, a.GetProperty("avg_blocked_connections").GetDouble(), $"{exp[i]} avg");
            Close(e.Stdev, a.GetProperty("stdev_blocked_connections").GetDouble(), $"{exp[i]} stdev");
            Close(e.Threshold, a.GetProperty("threshold").GetDouble(), $"{exp[i]} threshold");
        }
    }

    private static string Show<T>(T? v) where T : struct => v?.ToString() ?? "null";
}
