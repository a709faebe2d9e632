namespace FlowSpike.Tests.Cluster;

/// <summary>The cluster commands' mistakes and unreachable stores are one line on stderr and exit code 1.</summary>
public sealed class ClusterCliTests
{
    [Theory]
    [InlineData("postgres://127.0.0.1:5432/flowspike", "PostgreSQL is not supported yet")]
    [InlineData("mysql://127.0.0.1", "is not a redis://HOST:PORT address")]
    [InlineData("redis://", "names no host")]
    public async Task BadClusteringIsRefusedBeforeAnythingRuns(string uri, string message)
    {
        await Task.Yield();
        var r = Support.Cli.Run("cluster", "detect", "--clustering", uri, "--input", Path.GetTempPath(), "--from",
            "2026-10-08T00:00:00Z", "--to", "2026-10-09T00:00:00Z");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains(message, r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task UnreachableRedisIsOneLine()
    {
        await Task.Yield();
        // Port 6399 of the cluster tests' range: nothing listens there.
        var r = Support.Cli.Run("cluster", "lookup", "export", "--clustering", "redis://127.0.0.1:6399", "--state",
            "x");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("flowspike: error: cluster: cannot reach Redis at 127.0.0.1:6399 (connection refused)",
            r.Stderr.Trim());
        Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
