using FlowSpike.Cluster;
using FlowSpike.Models;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Tests.Records;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Cluster;

/// <summary>S3 keys as scan tasks: silos read the objects themselves (with their own credentials) and match the local
/// run on the same files.</summary>
public sealed class ClusterS3Tests(ClusterFixture fixture, S3Tests.Data data) : IClassFixture<ClusterFixture>,
    IClassFixture<S3Tests.Data>
{
    [Fact]
    public async Task ClusterRunOverS3EqualsTheLocalRunOverFiles()
    {
        // The silos of the test host share this process: their credential chain reads s3rver's keys from here.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "S3RVER");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "S3RVER");
        using var dir = new TempDir();
        var request = new DetectRequest
        {
            From = SynthData.BaselineEnd,
            To = SynthData.End,
            Policy = new AlertPolicy { KeepHistory = false }
        };
        string localAlerts = dir.File("local.jsonl");
        Pipeline.Baseline(dir.File("local.db"), data.Set.Logs, SynthData.From, SynthData.BaselineEnd);
        Pipeline.Detect(dir.File("local.db"), data.Set.Logs, localAlerts, request);

        var input = new InputOptions { Inputs = [$"s3://{S3Server.Bucket}/flows/"], S3 = data.Server.Settings };
        var coordinator = new ClusterCoordinator(fixture.Grains, "s3", NullRunLog.Instance) { Shards = 4 };
        await coordinator.BaselineAsync(input, SynthData.From, SynthData.BaselineEnd, 3600, SplunkModel.ModelName,
            TestContext.Current.CancellationToken);
        string clusterAlerts = dir.File("cluster.jsonl");
        ClusterRunResult result;
        using (var sink = new FileAlertSink(clusterAlerts))
            result = await coordinator.DetectAsync(input, request, [sink], TestContext.Current.CancellationToken);

        Assert.True(result.Tasks > 10);
        Assert.Equal(await File.ReadAllTextAsync(localAlerts, TestContext.Current.CancellationToken),
            await File.ReadAllTextAsync(clusterAlerts, TestContext.Current.CancellationToken));
        Assert.Equal(LookupCsv.ToText(Pipeline.Lookup(dir.File("local.db"))),
            LookupCsv.ToText((await coordinator.LookupAsync(TestContext.Current.CancellationToken)).Rows));
    }
}
