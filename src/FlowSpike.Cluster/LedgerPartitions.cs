using System.Text;
using FlowSpike.Cluster.Grains;

namespace FlowSpike.Cluster;

/// <summary>
/// Which ledger partition holds an object: a stable hash of its identity (the same on every silo and run), so every
/// silo that receives the object asks the same grain, and the claims of a busy queue spread over the cluster.
/// </summary>
internal static class LedgerPartitions
{
    /// <summary>Partitions per state. Fixed: changing it would move rows a running watch still needs.</summary>
    public const int Count = 64;

    public static int Of(string path)
    {
        // FNV-1a over the UTF-8 bytes: string.GetHashCode differs per process.
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(path))
            hash = (hash ^ b) * 16777619;
        return (int)(hash % Count);
    }

    public static IObjectLedgerGrain For(IGrainFactory grains, string state, string path) =>
        grains.GetGrain<IObjectLedgerGrain>($"{state}/{Of(path)}");

    public static IObjectLedgerGrain[] All(IGrainFactory grains, string state) =>
        [.. Enumerable.Range(0, Count).Select(p => grains.GetGrain<IObjectLedgerGrain>($"{state}/{p}"))];
}
