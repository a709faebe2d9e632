namespace FlowSpike.Cluster.Wire;

/// <summary>What one scan task read, for the run's summary and the throughput figures.</summary>
[GenerateSerializer, Immutable]
internal sealed record ScanReport(
    [property: Id(0)] long Bytes,
    [property: Id(1)] long Lines,
    [property: Id(2)] long Counted,
    [property: Id(3)] long Malformed,
    [property: Id(4)] string[] MalformedSamples,
    [property: Id(5)] double Seconds,
    [property: Id(6)] string Silo,
    [property: Id(7)] Dictionary<long, long>? RecordsByWindow = null,
    [property: Id(8)] SkippedReport[]? Skipped = null,
    [property: Id(9)] long Parsed = 0);
