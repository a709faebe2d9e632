namespace FlowSpike.Records;

/// <summary>
/// One input: a local path, "-" for standard input, or a remote object (such as s3://bucket/key) that
/// <see cref="OpenRemote"/> opens. <see cref="Version"/> identifies the content (an ETag, or size and time).
/// </summary>
public sealed record InputFile(string Path, long Length)
{
    public bool IsStdin => Path == "-";

    public Func<Stream>? OpenRemote { get; init; }

    public string? Version { get; init; }

    public bool IsRemote => OpenRemote is not null;
}
