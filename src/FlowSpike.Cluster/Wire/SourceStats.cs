namespace FlowSpike.Cluster.Wire;

/// <summary>
/// One (window, source) cell of a partial: the count and, when kept, the distinct destinations, interfaces and
/// accounts.
/// A host beyond IPv4 sources (an IPv6 source, an entity) has <see cref="Name"/>: its number is the scanning task's
/// own.
/// </summary>
[GenerateSerializer, Immutable]
internal sealed record SourceStats(
    [property: Id(0)] long Window,
    [property: Id(1)] uint Src,
    [property: Id(2)] long Count,
    [property: Id(3)] string[]? Destinations,
    [property: Id(4)] string[]? Interfaces,
    [property: Id(5)] string[]? Accounts,
    [property: Id(6)] string? Name = null);
