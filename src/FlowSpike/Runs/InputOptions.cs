using FlowSpike.Aggregation;
using FlowSpike.Models;
using FlowSpike.Records;
using FlowSpike.Selection;

namespace FlowSpike.Runs;

/// <summary>What to read and which addresses are internal; shared by every command that scans.</summary>
internal sealed record InputOptions
{
    public required IReadOnlyList<string> Inputs { get; init; }
    public FlowLayout FallbackLayout { get; init; } = FlowLayout.Default;
    public InputFormat Format { get; init; } = InputFormat.Auto;
    /// <summary>
    /// How to reach s3:// inputs; null reads the environment (AWS_ENDPOINT_URL, AWS_REGION, the credential chain).
    /// </summary>
    public S3Settings? S3 { get; init; }
    /// <summary>How to reach CloudWatch Logs for cwl:// inputs; null reads the environment (AWS_ENDPOINT_URL_LOGS,
    /// then AWS_ENDPOINT_URL).</summary>
    public CloudWatchLogsSource.Settings? Logs { get; init; }
    public CidrSet Internal { get; init; } = CidrSet.Default;
    public int Threads { get; init; } = Environment.ProcessorCount;
    public TokenizerMode Mode { get; init; } = LineTokenizer.DefaultMode;
    /// <summary>Counters a progress display reads while scans run.</summary>
    public ScanProgress? Progress { get; init; }
    /// <summary>
    /// Skip Transit Gateway flow logs and other unsupported objects with a warning instead of stopping.
    /// </summary>
    public bool SkipUnsupported { get; init; }

    /// <summary>
    /// These inputs with a model's defaults: the models beyond the ESCU search count IPv6 unique local sources.
    /// </summary>
    public InputOptions ForModel(string model) =>
        ModelDefaults.For(model).CountsIpv6 ? this with { Internal = Internal.WithUniqueLocal() } : this;

    /// <summary>
    /// The scan of these inputs over [from, to) in windows of <paramref name="windowSeconds"/>. <paramref
    /// name="entities"/>
    /// (a state's registry) is used only when keys go beyond IPv4 sources, so the ESCU search's mode keeps its fast
    /// path.
    /// </summary>
    public ScanOptions Scan(
        long from, long to, long windowSeconds, bool keepDetails, int? threads = null, EntityRegistry? entities = null)
    {
        if (entities is { IsIpv4Keyed: true } && Internal.HasIpv6 && Internal.ReachesReserved())
        {
            throw new RunException($"{Setting.Name(nameof(JobSettings.Internal))}: {Internal} reaches into " +
                $"240.0.0.0/4, where IPv6 " +
                $"sources are numbered; "
                + "leave it out to count IPv6 sources");
        }
        return new()
        {
            Entities = entities is { IsIpv4Keyed: true } && !Internal.HasIpv6 ? null : entities,
            From = from,
            To = to,
            WindowSeconds = windowSeconds,
            KeepDetails = keepDetails,
            Internal = Internal,
            FallbackLayout = FallbackLayout,
            Format = Format,
            Mode = Mode,
            Threads = threads ?? Threads,
            Progress = Progress,
            SkipUnsupported = SkipUnsupported,
        };
    }
}
