using FlowSpike.Cluster;
using FlowSpike.Cluster.Grains;
using FlowSpike.Cluster.Wire;
using FlowSpike.State;

namespace FlowSpike.Tests.Cluster;

/// <summary>
/// The partitioned ledger of `cluster watch --queue` on two silos: objects spread over partitions by their identity,
/// a window's claim gathers every partition, and rows are pruned once their windows closed more than the lateness
/// ago, so the ledger holds a few windows of objects, never the history, and a pruned object is late, not recounted.
/// </summary>
public sealed class ClusterLedgerPartitionTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const long T0 = 1_790_812_800, H = 3600;

    private static QueueWatchMessage Job(long lateness) => new()
    {
        Id = "job",
        QueueUrl = "http://127.0.0.1:1/123456789012/q",
        VisibilitySeconds = 2,
        WaitSeconds = 1,
        LatenessSeconds = lateness,
        Scan = new ScanMessage { From = T0, To = T0 + H, WindowSeconds = H, Internal = ["10.0.0.0/8"], Shards = 2 },
    };

    private static LedgerRow Row(string path) => new(path, 100, "\"e\"", LedgerEntry.Counted, 4, 0, null);

    private Task<bool> Commit(string state, string path, long window, long open) =>
        LedgerPartitions.For(fixture.Grains, state, path).Commit(Row(path), "task:" + path, new() { [window] = 4 },
            open);

    private async Task<WindowClaim> Close(IQueueWatchGrain watch, long window)
    {
        Assert.Null(await watch.Claim(window, H, window, allowEmpty: true));
        foreach (var silo in fixture.Cluster.Silos)
        {
            var ticket = (await watch.BeginRound(silo.SiloAddress))!;
            await watch.EndRound(silo.SiloAddress, ticket.Activation, ticket.Epoch, drained: true);
        }
        var claim = await watch.Claim(window, H, window, allowEmpty: true);
        Assert.NotNull(claim);
        await watch.Closed(window);
        return claim;
    }

    private async Task<int> Rows(string state) =>
        (await Task.WhenAll(LedgerPartitions.All(fixture.Grains, state).Select(p => p.Rows()))).Sum();

    [Fact]
    public async Task A_claim_gathers_every_partition_and_rows_are_pruned_after_the_lateness()
    {
        const string state = "ledger-partitions";
        var watch = fixture.Grains.GetGrain<IQueueWatchGrain>(state);
        await watch.Start(Job(lateness: H), T0);
        string[] paths = [.. Enumerable.Range(0, 200).Select(i => $"s3://b/AWSLogs/o{i}.log.gz")];
        Assert.True(paths.Select(LedgerPartitions.Of).Distinct().Count() > LedgerPartitions.Count / 2);
        foreach (string p in paths)
            Assert.True(await Commit(state, p, T0, T0));

        var claim = await Close(watch, T0);
        Assert.Equal(paths.Select(p => "task:" + p).Order(StringComparer.Ordinal), claim.TaskIds);
        Assert.Equal(800, claim.Records);
        // Closed less than the lateness ago: a redelivery is recognised by its row.
        Assert.Equal(200, await Rows(state));
        Assert.False(await Commit(state, paths[7], T0, T0 + H));

        // The next close comes the lateness after T0's: T0 closed exactly the lateness ago, its rows stay.
        Assert.Empty((await Close(watch, T0 + H)).TaskIds);
        Assert.Equal(200, await Rows(state));
        // One more: T0 closed longer ago than the lateness, its rows go; a redelivery now is late, never counted.
        Assert.Empty((await Close(watch, T0 + 2 * H)).TaskIds);
        Assert.Equal(0, await Rows(state));
        Assert.True(await Commit(state, paths[7], T0, T0 + 3 * H));
        Assert.Equal(4, (await watch.Late())[T0]);
        Assert.Empty((await Close(watch, T0 + 3 * H)).TaskIds);
    }

    [Fact]
    public async Task The_ledger_holds_the_last_windows_only_however_long_the_watch_runs()
    {
        const string state = "ledger-bounded";
        var watch = fixture.Grains.GetGrain<IQueueWatchGrain>(state);
        await watch.Start(Job(lateness: 0), T0);
        for (int k = 0; k < 6; k++)
        {
            long w = T0 + k * H;
            for (int i = 0; i < 30; i++)
                Assert.True(await Commit(state, $"s3://b/w{k}/o{i}", w, w));
            Assert.Equal(30, (await Close(watch, w)).TaskIds.Length);
            // Lateness 0: the rows of the window just closed stay until the next close; earlier ones are gone.
            Assert.Equal(30, await Rows(state));
        }
        Assert.Empty(await watch.Late());
    }
}
