namespace FlowSpike.Cluster.Wire;

/// <summary>
/// An alert of a closed window in the cluster's outbox: its JSON body and, per sink still due, how often that sink
/// rejected it and when it may be offered again. It leaves the outbox once every sink has it.
/// </summary>
[GenerateSerializer]
internal sealed class OutboxEntry
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public long WindowStart { get; set; }
    [Id(2)] public string Body { get; set; } = "";
    [Id(3)] public Dictionary<string, SinkDue> Due { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One sink's delivery state of one held alert.</summary>
[GenerateSerializer]
internal sealed class SinkDue
{
    [Id(0)] public int Attempts { get; set; }
    [Id(1)] public long? RetryAt { get; set; }
    [Id(2)] public string? LastError { get; set; }
}
