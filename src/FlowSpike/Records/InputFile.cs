namespace FlowSpike.Records;

/// <summary>One input: a local path, or "-" for standard input.</summary>
public sealed record InputFile(string Path, long Length)
{
    public bool IsStdin => Path == "-";
}
