using FlowSpike.Runs;

namespace FlowSpike.Cluster.Hosting;

/// <summary>Where the cluster keeps its membership and grain state: <c>redis://host:port</c> (the only backing store
/// built so far).</summary>
internal sealed record ClusterConnection(string RedisConfiguration, string ClusterId)
{
    public static ClusterConnection Parse(string uri, string clusterId = ClusterNames.DefaultClusterId)
    {
        if (uri.StartsWith("redis://", StringComparison.OrdinalIgnoreCase))
        {
            string rest = uri["redis://".Length..].TrimEnd('/');
            if (rest.Length == 0)
                throw new RunException($"{Setting.Name("Clustering")}: '{uri}' names no host (expected " +
                    $"redis://HOST:PORT)");
            return new ClusterConnection(rest, clusterId);
        }
        if (uri.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("postgresql://",
            StringComparison.OrdinalIgnoreCase))
            throw new RunException($"{Setting.Name("Clustering")}: PostgreSQL is not supported yet; use " +
                $"redis://HOST:PORT");
        throw new RunException($"{Setting.Name("Clustering")}: '{uri}' is not a redis://HOST:PORT address");
    }
}
