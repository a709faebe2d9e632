using FlowSpike.Aggregation;
using FlowSpike.Cluster;
using FlowSpike.Cluster.Grains;
using FlowSpike.Cluster.Wire;
using FlowSpike.Detection;
using FlowSpike.Models;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.Synth;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Cluster;

/// <summary>A repeated scan task or window, as a retry after a silo failure sends it, never counts twice.</summary>
public sealed class ClusterIdempotencyTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task RepeatedScanTaskKeepsOneResult()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        var input = new InputOptions { Inputs = [set.Logs] };
        var job = ScanMessages.From(input, SynthData.From, SynthData.End, 3600, keepDetails: true, shards: 4);
        var file = InputSet.Expand([set.Logs])[0];
        var task = new ScanTask(ScanMessages.TaskId(job, file), file.Path, file.Length);
        var grain = fixture.Grains.GetGrain<IScanTaskGrain>(task.Id);

        var first = await grain.Run(job, task);
        var again = await grain.Run(job, task);
        var merged = new WindowPartial(3600);
        for (int s = 0; s < 4; s++)
            PartialCodec.MergeInto(merged, await grain.Slice(s));
        var local = FlowScanner.Scan([file], ScanMessages.Options(job), TestContext.Current.CancellationToken).Partial;

        // The record's dictionary compares by reference; its content is compared on its own.
        Assert.Equal(first with { RecordsByWindow = null }, again with { RecordsByWindow = null });
        Assert.Equal(first.RecordsByWindow, again.RecordsByWindow);
        Assert.Equal(local.TotalRecords, merged.TotalRecords);
        Assert.Equal(first.Counted, merged.TotalRecords);
        Assert.Equal(task.Id, ScanMessages.TaskId(job, file));
    }

    [Fact]
    public async Task RepeatedWindowReturnsTheStoredResultAndChangesNoRow()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        var input = new InputOptions { Inputs = [set.Logs] };
        var coordinator = new ClusterCoordinator(fixture.Grains, "repeat", NullRunLog.Instance) { Shards = 2 };
        await coordinator.BaselineAsync(input, SynthData.From, SynthData.BaselineEnd, 3600, SplunkModel.ModelName,
            TestContext.Current.CancellationToken);

        long w = SynthData.BaselineEnd;
        var job = ScanMessages.From(input, w, w + 3600, 3600, keepDetails: true, shards: 2);
        var tasks =
            InputSet.Expand([set.Logs]).Select(f => new ScanTask(ScanMessages.TaskId(job, f), f.Path,
                f.Length)).ToList();
        foreach (var t in tasks)
            await fixture.Grains.GetGrain<IScanTaskGrain>(t.Id).Run(job, t);
        var detect = new DetectMessage
        {
            RunId = "repeat-run",
            WindowSeconds = 3600,
            Policy = new AlertPolicy { Model = SplunkModel.ModelName },
            TaskIds = [.. tasks.Select(t => t.Id)],
        };
        var shard = fixture.Grains.GetGrain<IShardGrain>("repeat/0");
        var before = (await shard.Rows()).ToDictionary(r => r.Src);
        var first = await shard.CloseWindow(detect, w);
        var afterFirst = (await shard.Rows()).ToDictionary(r => r.Src);
        var second = await shard.CloseWindow(detect with { RunId = "another-run" }, w);
        var afterSecond = (await shard.Rows()).ToDictionary(r => r.Src);

        Assert.Equal(first.Alerts, second.Alerts);
        Assert.Equal(first.Counted, second.Counted);
        Assert.True(first.Counted > 0);
        Assert.Equal(afterFirst, afterSecond);
        Assert.NotEqual(before.Values.Sum(r => r.NumDataPoints ?? 0), afterFirst.Values.Sum(r => r.NumDataPoints ?? 0));
        // A window before the last closed one is refused rather than closed out of order.
        await Assert.ThrowsAnyAsync<Exception>(() => shard.CloseWindow(detect, w - 3600));
    }

    [Fact]
    public async Task RepeatedBaselineRunIsANoOp()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        var input = new InputOptions { Inputs = [set.Logs] };
        var job = ScanMessages.From(input, SynthData.From, SynthData.BaselineEnd, 3600, keepDetails: false, shards: 1);
        var tasks =
            InputSet.Expand([set.Logs]).Select(f => new ScanTask(ScanMessages.TaskId(job, f), f.Path,
                f.Length)).ToList();
        foreach (var t in tasks)
            await fixture.Grains.GetGrain<IScanTaskGrain>(t.Id).Run(job, t);
        var baseline = new BaselineMessage
        {
            RunId = "b1",
            From = SynthData.From,
            To = SynthData.BaselineEnd,
            SpanSeconds = 3600,
            Policy = new AlertPolicy { Model = SplunkModel.ModelName },
            TaskIds = [.. tasks.Select(t => t.Id)]
        };
        var shard = fixture.Grains.GetGrain<IShardGrain>("baseline-once/0");

        int hosts = await shard.Baseline(baseline);
        var rows = await shard.Rows();
        Assert.Equal(hosts, await shard.Baseline(baseline));
        var local =
            BaselineBuilder.Build(
                FlowScanner.Scan(InputSet.Expand([set.Logs]),
                    input.Scan(SynthData.From, SynthData.BaselineEnd, 3600, keepDetails: false),
                    TestContext.Current.CancellationToken).Partial);

        Assert.Equal(local.Count, hosts);
        Assert.Equal(local.Values.OrderBy(r => r.Src).Select(RowState.From), (await shard.Rows()).OrderBy(r => r.Src));
        Assert.Equal(rows.OrderBy(r => r.Src), (await shard.Rows()).OrderBy(r => r.Src));
    }

    [Fact]
    public async Task TasksLeasedToASiloThatIsNotActiveAreOfferedAgain()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        var input = new InputOptions { Inputs = [set.Logs] };
        var job = ScanMessages.From(input, SynthData.From, SynthData.End, 3600, keepDetails: false, shards: 2);
        var tasks =
            InputSet.Expand([set.Logs]).Take(3).Select(f => new ScanTask(ScanMessages.TaskId(job, f), f.Path, f.Length))
            .ToArray();
        // Not registered, so the test silos' workers leave this queue alone.
        var queue = fixture.Grains.GetGrain<IScanQueueGrain>("lease-test");
        await queue.Enqueue(job, tasks);
        var gone = SiloAddress.New(System.Net.IPAddress.Loopback, 1, 1);

        var first = await queue.Take(gone, 2);
        var status = await queue.Status();
        var again = await queue.Take(gone, 3);

        Assert.Equal(2, first!.Tasks.Length);
        Assert.Equal(new QueueStatus(3, 0, 0, null), status);
        Assert.Equal(3, again!.Tasks.Length);
        Assert.Equal(tasks.Select(t => t.Id).Order(), again.Tasks.Select(t => t.Id).Order());
    }
}
