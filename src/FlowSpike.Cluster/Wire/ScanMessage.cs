namespace FlowSpike.Cluster.Wire;

/// <summary>What every scan task of one job counts: the same settings a local scan takes, in a form that crosses the
/// wire.</summary>
[GenerateSerializer, Immutable]
internal sealed record ScanMessage
{
    [Id(0)] public required long From { get; init; }
    [Id(1)] public required long To { get; init; }
    [Id(2)] public required long WindowSeconds { get; init; }
    [Id(3)] public bool KeepDetails { get; init; }
    /// <summary>Internal networks as CIDR strings.</summary>
    [Id(4)] public required string[] Internal { get; init; }
    /// <summary>AWS format string of header-less files; null is the default layout.</summary>
    [Id(5)] public string? LogFormat { get; init; }
    /// <summary>auto, text, json or parquet.</summary>
    [Id(6)] public string InputFormat { get; init; } = "Auto";
    [Id(7)] public string? S3EndpointUrl { get; init; }
    [Id(8)] public string? S3Region { get; init; }
    /// <summary>How many source shards the results are split into.</summary>
    [Id(9)] public required int Shards { get; init; }
    /// <summary>The state's entity keying (src_ip, account+vpc+src_ip, interface): hosts beyond IPv4 sources travel by
    /// name.</summary>
    [Id(10)] public string Entity { get; init; } = "src_ip";
    /// <summary>Objects that are not flow logs are skipped and reported instead of failing the job.</summary>
    [Id(11)] public bool SkipUnsupported { get; init; }
}
