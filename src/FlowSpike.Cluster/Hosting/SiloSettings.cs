using System.Net;

namespace FlowSpike.Cluster.Hosting;

/// <summary>How one silo process joins: the shared store, and the address and ports it listens on and
/// advertises.</summary>
internal sealed record SiloSettings
{
    public required ClusterConnection Connection { get; init; }
    public IPAddress Address { get; init; } = IPAddress.Loopback;
    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = 30000;
    /// <summary>Scans this silo runs at once.</summary>
    public int ScanSlots { get; init; } = Environment.ProcessorCount;
}
