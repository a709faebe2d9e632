using FlowSpike.Records;
using FlowSpike.Selection;

namespace FlowSpike.Aggregation;

/// <summary>What a scan counts: records whose start lies in [From, To), in windows of WindowSeconds.</summary>
internal sealed record ScanOptions
{
    public required long From { get; init; }
    public required long To { get; init; }
    public required long WindowSeconds { get; init; }
    public CidrSet Internal { get; init; } = CidrSet.Default;
    /// <summary>
    /// Numbers hosts that are not plain IPv4 sources (IPv6 sources, account/VPC/address triples, interfaces); null keys
    /// by IPv4 source only, as the ESCU search does, and skips IPv6 sources.
    /// </summary>
    public EntityRegistry? Entities { get; init; }
    /// <summary>
    /// Keep distinct destinations and interfaces per (window, source); detection needs them, the baseline does not.
    /// </summary>
    public bool KeepDetails { get; init; }
    /// <summary>The layout of files without a header line.</summary>
    public FlowLayout FallbackLayout { get; init; } = FlowLayout.Default;
    /// <summary>Auto recognises each input by content.</summary>
    public InputFormat Format { get; init; } = InputFormat.Auto;
    public TokenizerMode Mode { get; init; } = LineTokenizer.DefaultMode;
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>Remote objects (S3) read at once.</summary>
    public int RemoteConcurrency { get; init; } = 8;
    public int BufferSize { get; init; } = TextFlowReader.DefaultBufferSize;
    /// <summary>
    /// Plain files at least twice this size are read as line-aligned segments of about this size, in parallel.
    /// </summary>
    public long SegmentBytes { get; init; } = 32L << 20;
    /// <summary>Counters to update as work finishes, for a progress display; null for none.</summary>
    public ScanProgress? Progress { get; init; }
    /// <summary>
    /// Inflate small gzip files whole with libdeflate (null: the default, FastPaths) or always stream.
    /// </summary>
    public bool? InflateWhole { get; init; }
    /// <summary>
    /// Read small local files whole into each worker's kept buffers (null: the default, on unless
    /// FastPaths) or always through the general opener.
    /// </summary>
    public bool? SmallFileReads { get; init; }
    /// <summary>
    /// Read Parquet with the query's own page reader (null: the default, FastPaths) or
    /// always with the reference reader (Parquet.Net).
    /// </summary>
    public bool? ParquetPages { get; init; }
    /// <summary>
    /// Skip objects of a kind FlowSpike does not read (Transit Gateway flow logs, unusable headers, binary content),
    /// counting them in <see cref="ScanDiagnostics.Skipped"/>, instead of stopping the scan at the first.
    /// </summary>
    public bool SkipUnsupported { get; init; }
}
