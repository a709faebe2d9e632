using FlowSpike.Cluster;
using FlowSpike.Cluster.Hosting;
using Orleans.TestingHost;

namespace FlowSpike.Tests.Cluster;

/// <summary>Two silos of Orleans' in-process test host with memory grain storage, shared by the cluster
/// tests.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async ValueTask InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) =>
            siloBuilder.AddMemoryGrainStorage(ClusterNames.Storage).AddFlowSpike(scanSlots: 2);
    }
}
