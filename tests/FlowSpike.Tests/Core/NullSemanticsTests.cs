using FlowSpike.Models;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Core;

/// <summary>docs/spec.md §3.3: SPL nulls. Unseeded hosts are never scored; silent hosts keep their
/// statistics.</summary>
public class NullSemanticsTests
{
    private const long T0 = 1_790_812_800;

    [Fact]
    public void An_unseeded_host_gets_only_latestCount_and_is_never_scored()
    {
        using var dir = new TempDir();
        var lines = new FlowLines();
        for (int h = 0; h < 12; h++)
            lines.Add(T0 + h * 3600, "10.1.1.1", "8.8.8.8", count: h == 11 ? 500 : 1);
        string input = dir.Write("f.log", lines.ToString());
        string state = dir.File("s.db"), alerts = dir.File("a.jsonl");
        // A baseline that seeds another host: a splunk detect over a state never baselined is refused (Scoring).
        string seed = dir.Write("seed.log", new FlowLines().Add(T0 - 7200, "10.9.9.9", "8.8.8.8").ToString());
        Pipeline.Baseline(state, seed, T0 - 86400, T0);

        Pipeline.Detect(state, input, alerts, new DetectRequest { From = T0, To = T0 + 12 * 3600 });

        Assert.Empty(Pipeline.ReadAlerts(alerts));
        var row = Assert.Single(Pipeline.Lookup(state), r => r.SrcIp == "10.1.1.1");
        Assert.Equal(500, row.LatestCount);
        Assert.Null(row.NumDataPoints);
        Assert.Null(row.Avg);
        Assert.Null(row.Stdev);
        using var store = SqliteStateStore.Open(state);
        string[] csv = LookupCsv.ToText(store.LoadLookup()).Split('\n');
        Assert.Equal("src_ip,latestCount,numDataPoints,avgBlockedConnections,stdevBlockedConnections", csv[0]);
        Assert.Contains("10.1.1.1,500,,,", csv);
    }

    [Fact]
    public void A_silent_host_keeps_its_baseline_and_loses_latestCount()
    {
        var model = new SplunkModel(SpikeSettings.Default);
        var seeded = new BaselineRow(7, 4, 9, 2.5, 0.75);
        var after = model.Update(seeded, 7, null);
        Assert.Equal(new BaselineRow(7, null, 9, 2.5, 0.75), after);
        Assert.False(model.IsSpike(after, out double threshold));
        Assert.True(double.IsNaN(threshold));
    }

    [Fact]
    public void A_row_with_null_statistics_stays_null_when_active()
    {
        var model = new SplunkModel(SpikeSettings.Default);
        var row = model.Update(null, 3, 10);
        Assert.Equal(new BaselineRow(3, 10, null, null, null), row);
        row = model.Update(row, 3, 12);
        Assert.Equal(new BaselineRow(3, 12, null, null, null), row);
    }

    [Fact]
    public void Data_point_threshold_is_strictly_greater()
    {
        var model = new SplunkModel(SpikeSettings.Default);
        // After the update numDataPoints = 5: not > 5, so no spike however large the count.
        var row = model.Update(new BaselineRow(1, 1, 4, 1, 0), 1, 1000);
        Assert.Equal(5, row.NumDataPoints);
        Assert.False(model.IsSpike(row, out _));
        row = model.Update(row, 1, 1000);
        Assert.True(model.IsSpike(row, out _));
    }

    [Fact]
    public void Baseline_uses_sample_deviation_and_the_latest_bucket()
    {
        using var dir = new TempDir();
        var lines = new FlowLines();
        lines.Add(T0 + 3 * 3600, "10.2.2.2", "1.1.1.1", count: 2); // latest bucket first in the file
        lines.Add(T0, "10.2.2.2", "1.1.1.1", count: 9);
        lines.Add(T0 + 3600, "10.3.3.3", "1.1.1.1", count: 4);
        string input = dir.Write("f.log", lines.ToString());
        string state = dir.File("s.db");
        Pipeline.Baseline(state, input, T0, T0 + 4 * 3600);
        var rows = Pipeline.Lookup(state).ToDictionary(r => r.SrcIp);
        // Buckets {9, 2}: mean 5.5, sample variance (3.5^2 * 2) / 1 = 24.5.
        Assert.Equal(new BaselineRow(rows["10.2.2.2"].Src, 2, 2, 5.5, Math.Sqrt(24.5)), rows["10.2.2.2"]);
        Assert.Equal(new BaselineRow(rows["10.3.3.3"].Src, 4, 1, 4, 0), rows["10.3.3.3"]);
    }
}
