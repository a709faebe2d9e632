namespace FlowSpike.Cluster.Wire;

/// <summary>
/// One shard's part of a closed window: its alerts as JSON Lines bodies, its counts for the summary, and what rollout
/// awareness needs across shards (active hosts per account, and the accounts of each alerting host by its name).
/// </summary>
[GenerateSerializer, Immutable]
internal sealed record WindowShardResult(
    [property: Id(0)] string[] Alerts,
    [property: Id(1)] int Allowlisted,
    [property: Id(2)] int ActiveSources,
    [property: Id(3)] long Counted,
    [property: Id(4)] Dictionary<string, int> ActiveByAccount,
    [property: Id(5)] Dictionary<string, string[]> AlertAccounts);
