using FlowSpike.Cluster;
using FlowSpike.Models;
using FlowSpike.Runs;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Cluster;

/// <summary>The cluster refuses what the local run refuses: another window than the baseline span, and a
/// window with no record at all, whose windows before it still commit.</summary>
public sealed class ClusterRefusalTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const long T0 = 1_790_812_800;

    [Fact]
    public async Task A_window_unlike_the_span_and_a_window_without_records_are_refused()
    {
        using var dir = new TempDir();
        var lines = new FlowLines();
        for (int h = 0; h < 10; h++)
            lines.Add(T0 + h * 3600, "10.0.0.5", "198.51.100.1", count: 1 + h % 2);
        // Hour 10 has records; hour 11 has none at all; hour 12 has records again.
        lines.Add(T0 + 10 * 3600, "10.0.0.5", "198.51.100.1").Add(T0 + 12 * 3600, "10.0.0.5", "198.51.100.1");
        var input = new InputOptions { Inputs = [dir.Write("f.log", lines.ToString())], Threads = 1 };
        var coordinator = new ClusterCoordinator(fixture.Grains, "refusals", NullRunLog.Instance);
        var ct = TestContext.Current.CancellationToken;
        await coordinator.BaselineAsync(input, T0, T0 + 10 * 3600, 3600, SplunkModel.ModelName, ct);

        var twoHours = new DetectRequest { From = T0 + 10 * 3600, To = T0 + 14 * 3600, WindowSeconds = 7200 };
        var span = await Assert.ThrowsAsync<RunException>(() => coordinator.DetectAsync(input, twoHours, [], ct));
        Assert.Contains("differs from the state's baseline span of 3600s", span.Message, StringComparison.Ordinal);

        var hourly = new DetectRequest { From = T0 + 10 * 3600, To = T0 + 13 * 3600 };
        var empty = await Assert.ThrowsAsync<RunException>(() => coordinator.DetectAsync(input, hourly, [], ct));
        Assert.Contains("2026-10-01T11:00:00Z", empty.Message, StringComparison.Ordinal);
        // Hour 10 committed; 11 and after did not, so a later run with the data can still close them.
        var again = await coordinator.DetectAsync(input, hourly with { AllowEmptyWindows = true }, [], ct);
        Assert.Equal(1, again.WindowsSkipped);
        Assert.Equal(2, again.WindowsClosed);
    }
}
