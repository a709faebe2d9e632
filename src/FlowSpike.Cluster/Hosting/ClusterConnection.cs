namespace FlowSpike.Cluster.Hosting;

/// <summary>Where the cluster keeps its membership and grain state: <c>redis://host:port</c> (the only backing store
/// built so far).</summary>
internal sealed record ClusterConnection(string RedisConfiguration, string ClusterId)
{
    public static ClusterConnection Parse(string clustering, string clusterId = ClusterNames.DefaultClusterId)
    {
        if (clustering.StartsWith("redis://", StringComparison.OrdinalIgnoreCase))
        {
            string rest = clustering["redis://".Length..].TrimEnd('/');
            if (rest.Length == 0)
                throw new RunException($"{Setting.Name(nameof(clustering))}: '{clustering}' names no host (expected " +
                    $"redis://HOST:PORT)");
            return new ClusterConnection(rest, clusterId);
        }
        if (clustering.StartsWith("postgres://",
            StringComparison.OrdinalIgnoreCase) || clustering.StartsWith("postgresql://",
            StringComparison.OrdinalIgnoreCase))
            throw new RunException($"{Setting.Name(nameof(clustering))}: PostgreSQL is not supported yet; use " +
                $"redis://HOST:PORT");
        throw new RunException($"{Setting.Name(nameof(clustering))}: '{clustering}' is not a redis://HOST:PORT " +
            $"address");
    }
}
