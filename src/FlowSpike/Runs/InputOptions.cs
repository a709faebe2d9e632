using FlowSpike.Aggregation;
using FlowSpike.Records;
using FlowSpike.Selection;

namespace FlowSpike.Runs;

/// <summary>What to read and which addresses are internal; shared by every command that scans.</summary>
public sealed record InputOptions
{
    public required IReadOnlyList<string> Inputs { get; init; }
    public FlowLayout FallbackLayout { get; init; } = FlowLayout.Default;
    public InputFormat Format { get; init; } = InputFormat.Auto;
    /// <summary>How to reach s3:// inputs; null reads the environment (AWS_ENDPOINT_URL, AWS_REGION, the credential chain).</summary>
    public S3Settings? S3 { get; init; }
    public CidrSet Internal { get; init; } = CidrSet.Default;
    public int Threads { get; init; } = Environment.ProcessorCount;
    public TokenizerMode Mode { get; init; } = LineTokenizer.DefaultMode;
    /// <summary>Counters a progress display reads while scans run.</summary>
    public ScanProgress? Progress { get; init; }

    /// <summary>The scan of these inputs over [from, to) in windows of <paramref name="windowSeconds"/>.</summary>
    public ScanOptions Scan(long from, long to, long windowSeconds, bool keepDetails, int? threads = null) => new()
    {
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
    };
}
