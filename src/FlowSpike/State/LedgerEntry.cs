namespace FlowSpike.State;

/// <summary>
/// What watch mode did with one input: its identity (path, size and version: an ETag or a modification time),
/// whether its records were counted or it failed, and how many of its records came too late.
/// </summary>
internal sealed record LedgerEntry(string Path, long Size, string Version, string Status, long Records = 0,
    long Late = 0,
    string? Error = null)
{
    public const string Counted = "counted";
    public const string Failed = "failed";

    /// <summary>When it was written, by the watch's clock (Unix seconds); null: now. Queue mode keeps a row for a
    /// time after it, while a notification naming the object may still be delivered.</summary>
    public long? At { get; init; }
}
