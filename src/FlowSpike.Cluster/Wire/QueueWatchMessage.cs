namespace FlowSpike.Cluster.Wire;

/// <summary>
/// `cluster watch --queue` as every silo's consumer sees it: the queue and how to consume it, and the scan settings
/// the objects are counted with. No credential travels: each silo uses its own chain.
/// </summary>
[GenerateSerializer, Immutable]
internal sealed record QueueWatchMessage
{
    /// <summary>Unique per coordinator start: a consumer rebuilds itself when it changes.</summary>
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string QueueUrl { get; init; }
    [Id(2)] public string? EndpointUrl { get; init; }
    [Id(3)] public string? Region { get; init; }
    [Id(4)] public int VisibilitySeconds { get; init; }
    [Id(5)] public string? KeyPrefix { get; init; }
    [Id(6)] public string? KeyRegex { get; init; }
    [Id(7)] public long BytesInFlight { get; init; }
    /// <summary>Long-poll wait of a receive: 20 s, 1 s for --once.</summary>
    [Id(8)] public int WaitSeconds { get; init; }
    /// <summary>The scan settings; From is replaced by the first open window of each round.</summary>
    [Id(9)] public required ScanMessage Scan { get; init; }
    /// <summary>How long after a window's close the ledger still recognises its objects by their rows.</summary>
    [Id(10)] public long LatenessSeconds { get; init; }
}

/// <summary>What a consumer round starts with: the job, the first open window, and the round's place in the
/// order of events that decides when a window may close.</summary>
[GenerateSerializer, Immutable]
internal sealed record QueueRoundTicket(
    [property: Id(0)] QueueWatchMessage Job,
    [property: Id(1)] long Open,
    [property: Id(2)] Guid Activation,
    [property: Id(3)] long Epoch);

/// <summary>A window handed to the coordinator to close: the objects that hold its records, and how many records
/// of any kind they hold (0: nothing arrived for it).</summary>
[GenerateSerializer, Immutable]
internal sealed record WindowClaim(
    [property: Id(0)] string[] TaskIds,
    [property: Id(1)] long Records);

/// <summary>The cluster ledger's row for one object.</summary>
[GenerateSerializer, Immutable]
internal sealed record LedgerRow(
    [property: Id(0)] string Path,
    [property: Id(1)] long Size,
    [property: Id(2)] string Version,
    [property: Id(3)] string Status,
    [property: Id(4)] long Records,
    [property: Id(5)] long Late,
    [property: Id(6)] string? Error);
