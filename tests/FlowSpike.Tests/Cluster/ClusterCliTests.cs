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
        // An input folder of its own: the default state (in the current folder) must not be inside it, wherever the
        // checkout lives.
        using var input = new Support.TempDir();
        var r = Support.Cli.Run("cluster", "detect", "--clustering", uri, "--input", input.Path, "--from",
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

    [Theory]
    [InlineData(new[] { "--state", "x" },
        "flowspike: error: --queue is required: the cluster watches an SQS queue of S3 notifications")]
    [InlineData(new[] { "--queue", "http://127.0.0.1:1/123456789012/q", "--backfill-from", "2026-10-01T00:00:00Z",
        "--input", "local-folder" },
        "flowspike: error: --backfill-from lists the history of the s3:// --input: give the bucket and prefix the " +
        "queue is notified for")]
    public async Task ClusterWatchRefusesBeforeConnecting(string[] args, string message)
    {
        await Task.Yield();
        // Nothing listens on Redis port 6399: a refusal before connecting is the only way to this message.
        var r = Support.Cli.Run(["cluster", "watch", "--clustering", "redis://127.0.0.1:6399", .. args]);

        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal(message, r.Stderr.Trim());
    }
}
