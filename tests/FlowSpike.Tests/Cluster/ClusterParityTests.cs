using FlowSpike.Aggregation;
using FlowSpike.Alerts;
using FlowSpike.Cluster;
using FlowSpike.Models;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Synth;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Cluster;

/// <summary>Baseline and detect on the test cluster give byte for byte the alerts and lookup of the local
/// pipeline.</summary>
public sealed class ClusterParityTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Theory]
    [InlineData(SplunkModel.ModelName, 16, false, 0)]
    [InlineData(SplunkModel.ModelName, 3, false, 0)]
    [InlineData(SplunkModel.ModelName, 5, false, 14400)]
    [InlineData(RecommendedModel.ModelName, 7, false, 0)]
    [InlineData(SplunkModel.ModelName, 4, true, 0)]
    [InlineData(RecommendedModel.ModelName, 1, true, 7200)]
    [InlineData(RecommendedModel.ModelName, 6, true, 0, "account+vpc+src_ip")]
    [InlineData(SplunkModel.ModelName, 5, false, 0, "interface")]
    public async Task ClusterRunMatchesLocalRun(string model, int shards, bool rollout, long suppressSeconds,
        string entity = "src_ip")
    {
        Assert.True(Selection.EntityRegistry.TryParseKind(entity, out var kind));
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        using var dir = new TempDir();
        var input = new InputOptions { Inputs = [set.Logs], Threads = 2 };
        var policy = new AlertPolicy
        {
            Model = model,
            KeepHistory = false,
            // Thresholds at their floor, so every alert is annotated with its account's active hosts, summed over
            // shards.
            Rollout = rollout ? new RolloutAwareness(0, 1) : null,
            Suppression = new Suppression(suppressSeconds),
        };
        var request = new DetectRequest { From = SynthData.BaselineEnd, To = SynthData.End, Policy = policy };

        var (localAlerts, localLookup) = Local(dir, input, request, model, kind);

        string state = $"parity-{model}-{shards}-{rollout}-{suppressSeconds}-{entity}";
        var coordinator =
            new ClusterCoordinator(fixture.Grains, state, NullRunLog.Instance) { Shards = shards, Entity = kind };
        await coordinator.BaselineAsync(input, SynthData.From, SynthData.BaselineEnd, 3600, model,
            TestContext.Current.CancellationToken);
        string clusterPath = dir.File("cluster.jsonl");
        using (var sink = new FileAlertSink(clusterPath))
            await coordinator.DetectAsync(input, request, [sink], TestContext.Current.CancellationToken);
        string clusterLookup = Csv(await coordinator.LookupAsync(TestContext.Current.CancellationToken));

        Assert.NotEmpty(localAlerts);
        Assert.Equal(rollout, localAlerts.Contains("\"annotations\"", StringComparison.Ordinal));
        Assert.Equal(localAlerts, await File.ReadAllTextAsync(clusterPath, TestContext.Current.CancellationToken));
        Assert.Equal(localLookup, clusterLookup);
    }

    [Fact]
    public async Task SecondDetectOverTheSameRangeAppliesNothingAndWritesNothing()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        using var dir = new TempDir();
        var input = new InputOptions { Inputs = [set.Logs], Threads = 2 };
        var request = new DetectRequest
        {
            From = SynthData.BaselineEnd,
            To = SynthData.BaselineEnd + 86400,
            Policy = new AlertPolicy { KeepHistory = false }
        };
        var coordinator = new ClusterCoordinator(fixture.Grains, "rerun", NullRunLog.Instance);
        await coordinator.BaselineAsync(input, SynthData.From, SynthData.BaselineEnd, 3600, SplunkModel.ModelName,
            TestContext.Current.CancellationToken);
        string path = dir.File("alerts.jsonl");
        ClusterRunResult first, second;
        using (var sink = new FileAlertSink(path))
            first = await coordinator.DetectAsync(input, request, [sink], TestContext.Current.CancellationToken);
        string lookup = Csv(await coordinator.LookupAsync(TestContext.Current.CancellationToken));
        string alerts = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        using (var sink = new FileAlertSink(path))
            second = await coordinator.DetectAsync(input, request, [sink], TestContext.Current.CancellationToken);

        Assert.Equal(24, first.WindowsClosed);
        Assert.Equal(0, second.WindowsClosed);
        Assert.Equal(24, second.WindowsSkipped);
        Assert.Equal(alerts, await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        Assert.Equal(lookup, Csv(await coordinator.LookupAsync(TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task UnreadableObjectStopsTheRunWithItsNameLikeALocalRun()
    {
        using var dir = new TempDir();
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        var good = InputSet.Expand([set.Logs])[0].Path;
        File.Copy(good, dir.File("good.log.gz"));
        // A gzip header followed by garbage: the reader's CRC and format checks reject it.
        await File.WriteAllBytesAsync(dir.File("bad.log.gz"), [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7],
            TestContext.Current.CancellationToken);
        var input = new InputOptions { Inputs = [dir.Path] };
        var local =
            Assert.Throws<FlowInputException>(() =>
                FlowScanner.Scan(InputSet.Expand([dir.Path]),
                    input.Scan(SynthData.From, SynthData.BaselineEnd, 3600, false),
                    TestContext.Current.CancellationToken));
        var coordinator = new ClusterCoordinator(fixture.Grains, "unreadable", NullRunLog.Instance);

        var e = await Assert.ThrowsAsync<RunException>(() =>
            coordinator.BaselineAsync(input, SynthData.From, SynthData.BaselineEnd, 3600, SplunkModel.ModelName,
                TestContext.Current.CancellationToken));

        Assert.Contains("bad.log.gz", e.Message, StringComparison.Ordinal);
        Assert.Contains(local.Message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CoordinatorThatStopsMidRunAndIsRerunDeliversEveryAlertOnce()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        using var dir = new TempDir();
        var input = new InputOptions { Inputs = [set.Logs], Threads = 2 };
        var request = new DetectRequest
        {
            From = SynthData.BaselineEnd,
            To = SynthData.End,
            Policy = new AlertPolicy { KeepHistory = false }
        };
        var (localAlerts, localLookup) = Local(dir, input, request, SplunkModel.ModelName, Selection.EntityKind.SrcIp);
        var coordinator = new ClusterCoordinator(fixture.Grains, "stopped", NullRunLog.Instance);
        await coordinator.BaselineAsync(input, SynthData.From, SynthData.BaselineEnd, 3600, SplunkModel.ModelName,
            TestContext.Current.CancellationToken);
        string path = dir.File("cluster.jsonl");

        // The third delivery dies after the shards closed its window: the run stops as a crashed coordinator would.
        using (var sink = new FailingSink(new FileAlertSink(path), failAt: 3))
            await Assert.ThrowsAsync<InvalidOperationException>(() =>
                coordinator.DetectAsync(input, request, [sink], TestContext.Current.CancellationToken));
        using (var sink = new FileAlertSink(path))
            await coordinator.DetectAsync(input, request, [sink], TestContext.Current.CancellationToken);

        Assert.Equal(localAlerts, await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        Assert.Equal(localLookup, Csv(await coordinator.LookupAsync(TestContext.Current.CancellationToken)));
    }

    private sealed class FailingSink(IAlertSink inner, int failAt) : IAlertSink
    {
        private int _calls;

        public string Name => inner.Name;

        public void Deliver(IReadOnlyList<OutboxAlert> alerts, DeliveryReceipt receipt)
        {
            if (++_calls == failAt)
                throw new InvalidOperationException("the coordinator dies");
            inner.Deliver(alerts, receipt);
        }

        public void Dispose() => inner.Dispose();
    }

    private static string Csv((IReadOnlyList<BaselineRow> Rows, Selection.EntityRegistry Names) lookup) =>
        LookupCsv.ToText(lookup.Rows, lookup.Names);

    /// <summary>Hosts beyond IPv4 sources (entities, IPv6 sources) are numbered per task and per shard, and named
    /// alike.</summary>
    [Theory]
    [InlineData("overlapping-ips", 4)]
    [InlineData("ipv6", 3)]
    public async Task ScenarioWithTheRecommendedDefaultsMatchesLocalRun(string scenario, int shards)
    {
        using var dir = new TempDir();
        WeaknessScenario.Write(scenario, dir.Path);
        long start = WeaknessScenario.Start.ToUnixTimeSeconds();
        // The recommended model's defaults, as the CLI sets them: account+vpc+src_ip keys, IPv6 unique local sources.
        var input =
            new InputOptions { Inputs = [dir.File("flows.log")], Threads = 2 }.ForModel(RecommendedModel.ModelName);
        var policy = new AlertPolicy
        {
            Model = RecommendedModel.ModelName,
            KeepHistory = false,
            Rollout = new RolloutAwareness(0.25)
        };
        var request = new DetectRequest { From = start + 7 * 86400, To = start + 10 * 86400, Policy = policy };
        string localAlerts = dir.File("local.jsonl");
        string localLookup;
        using (var store = SqliteStateStore.Open(dir.File("local.db"), RecommendedModel.ModelName))
        {
            BaselineRun.Execute(store, input, start, start + 7 * 86400, 3600, NullRunLog.Instance,
                RecommendedModel.ModelName);
            using (var sink = new FileAlertSink(localAlerts))
                DetectRun.Execute(store, input, request, sink, NullRunLog.Instance,
                    TestContext.Current.CancellationToken);
            localLookup = LookupCsv.ToText(store.LoadLookup(), store.Entities);
        }
        var coordinator =
            new ClusterCoordinator(fixture.Grains, $"scenario-{scenario}", NullRunLog.Instance) { Shards = shards };
        await coordinator.BaselineAsync(input, start, start + 7 * 86400, 3600, RecommendedModel.ModelName,
            TestContext.Current.CancellationToken);
        string clusterAlerts = dir.File("cluster.jsonl");
        using (var sink = new FileAlertSink(clusterAlerts))
            await coordinator.DetectAsync(input, request, [sink], TestContext.Current.CancellationToken);

        string expected = await File.ReadAllTextAsync(localAlerts, TestContext.Current.CancellationToken);
        Assert.Contains("\"entity\":", expected, StringComparison.Ordinal);
        // Not vacuous: the local run finds every labelled spike, in its account (the model may add a false alert or
        // two, which the cluster must then reproduce too).
        var found = expected.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(AlertJson.Parse).ToList();
        var labels = Evaluation.ReadLabels(dir.File("labels.csv"));
        Assert.Equal(3, labels.Count);
        Assert.All(labels, l => Assert.Contains(found, a => a.SrcIp == l.SrcIp && a.WindowStart == l.WindowStart
            && (l.Account is null || a.Entity!.StartsWith(l.Account + "/", StringComparison.Ordinal))));
        Assert.Equal(expected, await File.ReadAllTextAsync(clusterAlerts, TestContext.Current.CancellationToken));
        Assert.Equal(localLookup, Csv(await coordinator.LookupAsync(TestContext.Current.CancellationToken)));
    }

    private static (string Alerts, string Lookup) Local(TempDir dir, InputOptions input, DetectRequest request,
        string model, Selection.EntityKind entity)
    {
        string alerts = dir.File("local.jsonl");
        using var store = SqliteStateStore.Open(dir.File("local.db"), model, entity);
        BaselineRun.Execute(store, input, SynthData.From, SynthData.BaselineEnd, 3600, NullRunLog.Instance, model);
        using (var sink = new FileAlertSink(alerts))
            DetectRun.Execute(store, input, request, sink, NullRunLog.Instance);
        return (File.ReadAllText(alerts), LookupCsv.ToText(store.LoadLookup(), store.Entities));
    }
}
