namespace FlowSpike.Alerts;

/// <summary>
/// One spiking host in one window, with the evidence the ESCU search's final stats produce (docs/spec.md §3.5) and the
/// updated baseline values the test used.
/// </summary>
internal sealed record Alert
{
    public required long WindowStart { get; init; }
    public required long WindowEnd { get; init; }
    /// <summary>The source address (with `--entity interface`, the interface id).</summary>
    public required string SrcIp { get; init; }

    /// <summary>With `--entity` beyond src_ip, the baseline's entity ("account/vpc/address" or an interface id); else
    /// null.</summary>
    public string? Entity { get; init; }

    /// <summary>What the baseline belongs to: the entity, or the source address in the ESCU search's keying.</summary>
    public string Host => Entity ?? SrcIp;
    public required long BlockedConnections { get; init; }
    public required IReadOnlyList<string> BlockedDestIps { get; init; }
    public required IReadOnlyList<string> ResourceIds { get; init; }
    public required long LatestCount { get; init; }
    public required long NumDataPoints { get; init; }
    public required double AvgBlockedConnections { get; init; }
    public required double StdevBlockedConnections { get; init; }
    public required double Threshold { get; init; }
    public required string Model { get; init; }
    public required double DeviationThreshold { get; init; }
    public required long DataPointThreshold { get; init; }

    /// <summary>
    /// The model's own evidence (expected count for this window, dispersion, tail probability, rule, severity); null
    /// for the ESCU search's model, whose alerts stay exactly the ESCU search's.
    /// </summary>
    public Baseline.SpikeEvidence? Evidence { get; init; }

    /// <summary>Context added after the test, such as a likely policy rollout; empty in the ESCU search's
    /// mode.</summary>
    public IReadOnlyList<string> Annotations { get; init; } = [];

    /// <summary>With rollout grouping, the hosts this one alert stands for (itself included); empty
    /// otherwise.</summary>
    public IReadOnlyList<string> GroupedHosts { get; init; } = [];

    /// <summary>The AWS accounts the window's records came from; used for rollout awareness, not serialised.</summary>
    public IReadOnlyList<string> Accounts { get; init; } = [];

    public long UniqueDestConnections => BlockedDestIps.Count;

    /// <summary>
    /// Low, medium, high or critical: the model's evidence (its tail probability), or for the ESCU search's alerts the
    /// deviations of the count above the threshold (<see cref="Baseline.SplunkModel.SeverityOf"/>).
    /// </summary>
    public string Severity => Evidence?.Severity
        ?? Baseline.SplunkModel.SeverityOf(LatestCount, Threshold, StdevBlockedConnections);

    /// <summary>Stable per (window, source), so a re-delivered alert can be recognised downstream.</summary>
    public string Id => $"{WindowStart}-{Host}";
}
