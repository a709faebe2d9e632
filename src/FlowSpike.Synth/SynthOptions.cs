namespace FlowSpike.Synth;

/// <summary>Knobs of the synthetic VPC Flow Log generator; equal options give byte-identical output.</summary>
internal sealed record SynthOptions
{
    /// <summary>First hour of data; must be hour-aligned UTC.</summary>
    public DateTimeOffset Start { get; init; } = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Number of days generated (ignored when <see cref="TargetBytes"/> is set).</summary>
    public int Days { get; init; } = 10;

    /// <summary>Number of internal hosts.</summary>
    public int Hosts { get; init; } = 40;

    public int Seed { get; init; } = 42;

    /// <summary>Number of injected spike events.</summary>
    public int Spikes { get; init; } = 4;

    /// <summary>Spikes start at or after Start + SpikeFromDay days (the detect period).</summary>
    public int SpikeFromDay { get; init; } = 7;

    public SynthLayout Layout { get; init; } = SynthLayout.DefaultWithHeader;

    public bool Gzip { get; init; } = true;

    /// <summary>Files per hour and account; the hour's records are split among them.</summary>
    public int FilesPerHour { get; init; } = 1;

    /// <summary>Average total records (all kinds) per host-hour; scales the data size. Only the noise
    /// scales: blocked outbound rates stay at ~0.3 to ~15 per host-hour (they define the detection
    /// statistics), so values below ~5 give mostly blocked records.</summary>
    public double RecordsPerHostHour { get; init; } = 30;

    /// <summary>If set, stop at the first hour boundary after about this many uncompressed bytes (overrides
    /// Days); the run is extended if needed to cover every planned spike hour.</summary>
    public long? TargetBytes { get; init; }

    /// <summary>If set, the share (0 to 1) of noise records that are REJECTs, for benchmarks of selectivity: about
    /// half of them blocked outbound (counted), the rest inbound or internal. Null keeps the default mix.</summary>
    public double? RejectShare { get; init; }
}
