using FlowSpike.Models;
using FlowSpike.Runs;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Core;

/// <summary>docs/spec.md §4, with the expected numbers taken from the docs/spec.md text, through files, state and
/// alerts.</summary>
public class WorkedExampleTests
{
    private const long T0 = 1_790_812_800; // 2026-10-01T00:00:00Z
    private const string Host = "10.0.0.5";

    private static string WriteExample(TempDir dir)
    {
        var lines = new FlowLines();
        int[] history = [4, 6, 5, 5, 7, 3];
        for (int h = 0; h < history.Length; h++)
            lines.Add(T0 + h * 3600 + 60, Host, "198.51.100." + (h + 1), count: history[h]);
        lines.Add(T0 + 6 * 3600 + 10, Host, "203.0.113.9", count: 12);
        lines.Add(T0 + 6 * 3600 + 20, Host, "203.0.113.10", count: 8, iface: "eni-0a1b2c3d4e5f60002");
        // Window 2 (hour 7) is silent. Window 3 (hour 8): 6 records.
        lines.Add(T0 + 8 * 3600, Host, "198.51.100.1", count: 6);
        return dir.Write("flow.log", lines.ToString());
    }

    [Fact]
    public void Baseline_then_three_windows_give_the_spec_numbers()
    {
        using var dir = new TempDir();
        string input = WriteExample(dir);
        string state = dir.File("state.db"), alerts = dir.File("alerts.jsonl");

        Pipeline.Baseline(state, input, T0, T0 + 6 * 3600);
        var row = Assert.Single(Pipeline.Lookup(state));
        Assert.Equal(Host, row.SrcIp);
        Assert.Equal(6, row.NumDataPoints);
        Assert.Equal(3, row.LatestCount);
        Assert.Equal(5.0, row.Avg);
        Assert.Equal(1.4142135623730951, row.Stdev);

        // Window 1: 20 records, a spike.
        Pipeline.Detect(state, input, alerts, new DetectRequest { From = T0 + 6 * 3600, To = T0 + 7 * 3600 });
        row = Assert.Single(Pipeline.Lookup(state));
        Assert.Equal(20, row.LatestCount);
        Assert.Equal(7, row.NumDataPoints);
        Compare.Close(5.020833333333333, row.Avg, "avg after window 1");
        Compare.Close(1.51963423047931, row.Stdev, "stdev after window 1");
        var alert = Assert.Single(Pipeline.ReadAlerts(alerts));
        Assert.Equal(Host, alert.GetProperty("src_ip").GetString());
        Assert.Equal("2026-10-01T06:00:00Z", alert.GetProperty("window_start").GetString());
        Assert.Equal("2026-10-01T07:00:00Z", alert.GetProperty("window_end").GetString());
        Assert.Equal(20, alert.GetProperty("blocked_connections").GetInt64());
        Assert.Equal(2, alert.GetProperty("unique_dest_connections").GetInt64());
        Assert.Equal(["203.0.113.10", "203.0.113.9"],
            alert.GetProperty("blocked_dest_ips").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["eni-0a1b2c3d4e5f60001", "eni-0a1b2c3d4e5f60002"],
            alert.GetProperty("resource_ids").EnumerateArray().Select(e => e.GetString()));
        Compare.Close(9.579736024771263, alert.GetProperty("threshold").GetDouble(), "threshold");

        // Window 2: silent (no flow-log record at all, so the silence has to be declared real). The row keeps its
        // statistics and loses latestCount.
        Pipeline.Detect(state, input, alerts,
            new DetectRequest { From = T0 + 7 * 3600, To = T0 + 8 * 3600, AllowEmptyWindows = true });
        row = Assert.Single(Pipeline.Lookup(state));
        Assert.Null(row.LatestCount);
        Assert.Equal(7, row.NumDataPoints);
        Compare.Close(5.020833333333333, row.Avg, "avg after window 2");
        Compare.Close(1.51963423047931, row.Stdev, "stdev after window 2");

        // Window 3: 6 records, no spike.
        Pipeline.Detect(state, input, alerts, new DetectRequest { From = T0 + 8 * 3600, To = T0 + 9 * 3600 });
        row = Assert.Single(Pipeline.Lookup(state));
        Assert.Equal(6, row.LatestCount);
        Assert.Equal(8, row.NumDataPoints);
        Compare.Close(5.0221932870370365, row.Avg, "avg after window 3");
        Compare.Close(1.5190163335496885, row.Stdev, "stdev after window 3");
        Assert.Single(Pipeline.ReadAlerts(alerts));
    }

    [Fact]
    public void Model_math_alone_reproduces_window_3_threshold()
    {
        var model = new SplunkModel(SpikeSettings.Default);
        var row = new BaselineRow(1, 3, 6, 5, 1.4142135623730951);
        row = model.Update(row, 1, 20);
        Assert.True(model.IsSpike(row, out _));
        row = model.Update(row, 1, null);
        Assert.False(model.IsSpike(row, out _));
        row = model.Update(row, 1, 6);
        Assert.False(model.IsSpike(row, out double threshold));
        Compare.Close(9.579242287686103, threshold, "threshold after window 3");
    }
}
