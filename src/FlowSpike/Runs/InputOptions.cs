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
}
