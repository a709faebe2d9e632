namespace FlowSpike.Records;

/// <summary>
/// One input: a local path, "-" for standard input, or a remote object (such as s3://bucket/key) that
/// <see cref="OpenRemote"/> opens. <see cref="Version"/> identifies the content (an ETag, or size and time).
/// </summary>
internal sealed record InputFile(string Path, long Length)
{
    public bool IsStdin => Path == "-";

    public Func<Stream>? OpenRemote { get; init; }

    public string? Version { get; init; }

    /// <summary>
    /// What the input is, however it was spelled: the real path of a local file (see <see cref="FileIdentity"/>),
    /// or s3://bucket/key of an object (whose <see cref="Version"/> is its ETag).
    /// </summary>
    public string Identity { get => field ?? Path; init; }

    public bool IsRemote => OpenRemote is not null;
}
