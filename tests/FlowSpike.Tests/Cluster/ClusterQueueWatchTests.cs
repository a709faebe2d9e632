using FlowSpike.Cluster;
using FlowSpike.Cluster.Grains;
using FlowSpike.Cluster.Wire;
using FlowSpike.State;

namespace FlowSpike.Tests.Cluster;

/// <summary>
/// The cluster ledger of `cluster watch --queue` on two in-process silos: an object is claimed once, a window closes
/// only after every silo drained the queue in a round that began after the clock allowed it, and records arriving
/// for a closed window are late and never reach it.
/// </summary>
public sealed class ClusterQueueWatchTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const long T0 = 1_790_812_800, H = 3600;

    private static QueueWatchMessage Job() => new()
    {
        Id = "job",
        QueueUrl = "http://127.0.0.1:1/123456789012/q",
        VisibilitySeconds = 2,
        WaitSeconds = 1,
        Scan = new ScanMessage { From = T0, To = T0 + H, WindowSeconds = H, Internal = ["10.0.0.0/8"], Shards = 2 },
    };

    private static LedgerRow Row(string key, string etag) =>
        new($"s3://b/{key}", 100, etag, LedgerEntry.Counted, 10, 0, null);

    /// <summary>What a silo's ledger does: commit to the object's partition, the round opened at T0.</summary>
    private Task<bool> Commit(string state, LedgerRow row, string task, Dictionary<long, long> records) =>
        LedgerPartitions.For(fixture.Grains, state, row.Path).Commit(row, task, records, T0);

    private Task<LedgerRow?> Find(string state, string path) =>
        LedgerPartitions.For(fixture.Grains, state, path).Find(path);

    /// <summary>Every silo runs one round; <paramref name="drained"/> says what each found.</summary>
    private async Task Rounds(IQueueWatchGrain watch, bool drained = true)
    {
        foreach (var silo in fixture.Cluster.Silos)
        {
            var ticket = await watch.BeginRound(silo.SiloAddress);
            Assert.NotNull(ticket);
            await watch.EndRound(silo.SiloAddress, ticket.Activation, ticket.Epoch, drained);
        }
    }

    [Fact]
    public async Task Objects_are_claimed_once_and_windows_close_after_every_silo_drained()
    {
        const string state = "queue-watch-rule";
        var watch = fixture.Grains.GetGrain<IQueueWatchGrain>(state);
        await watch.Start(Job(), T0);

        Assert.True(await Commit(state, Row("a", "\"e1\""), "task-a", new() { [T0] = 5 }));
        // The same object again (a redelivery, or another silo that received a duplicate): not counted twice.
        Assert.False(await Commit(state, Row("a", "\"e1\""), "task-a2", new() { [T0] = 5 }));
        Assert.Equal("\"e1\"", (await Find(state, "s3://b/a"))!.Version);

        // The clock allows T0 now; no silo has drained since.
        Assert.Null(await watch.Claim(T0, H, T0, allowEmpty: false));
        Assert.Null(await watch.Claim(T0, H, T0, allowEmpty: false));
        await Rounds(watch, drained: false);
        Assert.Null(await watch.Claim(T0, H, T0, allowEmpty: false));
        // One silo drained, the other not yet.
        var first = fixture.Cluster.Silos[0].SiloAddress;
        var t = (await watch.BeginRound(first))!;
        await watch.EndRound(first, t.Activation, t.Epoch, drained: true);
        Assert.Null(await watch.Claim(T0, H, T0, allowEmpty: false));
        await Rounds(watch);
        var claim = await watch.Claim(T0, H, T0, allowEmpty: false);
        Assert.NotNull(claim);
        Assert.Equal(["task-a"], claim.TaskIds);
        Assert.Equal(5, claim.Records);
        await watch.Closed(T0);

        // After the close: records for T0 are late; those for the next window wait for it.
        Assert.True(await Commit(state, Row("b", "\"e2\""), "task-b", new() { [T0] = 3, [T0 + H] = 2 }));
        Assert.Equal(3, (await watch.Late())[T0]);
        Assert.Equal(T0 + H, (await watch.BeginRound(first))!.Open);

        // A round that began before the window became eligible does not let it close.
        var early = new List<QueueRoundTicket>();
        foreach (var silo in fixture.Cluster.Silos)
            early.Add((await watch.BeginRound(silo.SiloAddress))!);
        Assert.Null(await watch.Claim(T0 + H, H, T0 + H, allowEmpty: false));
        for (int i = 0; i < early.Count; i++)
        {
            await watch.EndRound(fixture.Cluster.Silos[i].SiloAddress, early[i].Activation, early[i].Epoch,
                drained: true);
        }
        Assert.Null(await watch.Claim(T0 + H, H, T0 + H, allowEmpty: false));
        await Rounds(watch);
        var next = await watch.Claim(T0 + H, H, T0 + H, allowEmpty: false);
        Assert.Equal(["task-b"], next!.TaskIds);
        Assert.Equal(2, next.Records);
        await watch.Closed(T0 + H);

        // A window no object brought a record for is held, not claimed, unless empty windows may close.
        Assert.Null(await watch.Claim(T0 + 2 * H, H, T0 + 2 * H, allowEmpty: false));
        await Rounds(watch);
        Assert.Equal(0, (await watch.Claim(T0 + 2 * H, H, T0 + 2 * H, allowEmpty: false))!.Records);
        Assert.Equal(T0 + 2 * H, (await watch.BeginRound(first))!.Open);
        await watch.Stop();
        Assert.Null(await watch.BeginRound(first));
    }
}
