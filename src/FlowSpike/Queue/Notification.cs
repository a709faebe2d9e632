namespace FlowSpike.Queue;

/// <summary>The body shapes a queue message can have.</summary>
internal enum BodyShape
{
    /// <summary>Amazon S3's own event: a Records array.</summary>
    S3Records,
    /// <summary>An SNS envelope (Type "Notification") whose Message holds an S3 or EventBridge event.</summary>
    Sns,
    /// <summary>An EventBridge event from aws.s3 (also what Amazon Security Lake sends its subscribers).</summary>
    EventBridge,
    /// <summary>The s3:TestEvent S3 sends when a notification configuration is saved.</summary>
    TestEvent,
    /// <summary>None of the above: left on the queue for its redrive policy, never deleted.</summary>
    Unknown,
}

/// <summary>An object a notification says was created, its key already URL-decoded.</summary>
/// <param name="ETag">As S3 notifications give it, without quotes; null when the event has none.</param>
internal sealed record NotifiedObject(string Bucket, string Key, long Size, string? ETag, string? VersionId)
{
    /// <summary>The ledger's key for the object: the same as listing an s3:// input gives.</summary>
    public string Path => $"s3://{Bucket}/{Key}";

    /// <summary>The ledger's version: the ETag quoted as S3 listings give it, so both ways meet.</summary>
    public string Version => ETag is null ? VersionId ?? "" : QuotedETag(ETag);

    public static string QuotedETag(string etag) => "\"" + etag.Trim('"') + "\"";
}

/// <summary>
/// What one message body says: its shape, the objects it created, and the events it carries that create nothing
/// (by kind, such as ObjectRemoved:Delete or "Object Deleted").
/// </summary>
internal sealed record Notification(BodyShape Shape, IReadOnlyList<NotifiedObject> Created,
    IReadOnlyList<string> Ignored)
{
    /// <summary>An s3:TestEvent, directly or inside an SNS envelope: deleted, nothing to read.</summary>
    public bool IsTest { get; init; }

    /// <summary>Why the body is of no known shape (for the log), when it is not.</summary>
    public string? Problem { get; init; }

    public static Notification Unknown(string problem) => new(BodyShape.Unknown, [], []) { Problem = problem };
}
