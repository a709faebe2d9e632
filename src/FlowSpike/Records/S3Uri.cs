namespace FlowSpike.Records;

/// <summary>s3://bucket/prefix</summary>
internal readonly record struct S3Uri(string Bucket, string Prefix)
{
    public static bool IsS3(string text) => text.StartsWith("s3://", StringComparison.OrdinalIgnoreCase);

    public static S3Uri Parse(string text)
    {
        if (!IsS3(text))
            throw new FlowInputException($"{text}: not an s3:// address");
        string rest = text[5..];
        int slash = rest.IndexOf('/');
        string bucket = slash < 0 ? rest : rest[..slash];
        if (bucket.Length == 0)
            throw new FlowInputException($"{text}: the address has no bucket name");
        return new S3Uri(bucket, slash < 0 ? "" : rest[(slash + 1)..]);
    }

    public string Key(string key) => $"s3://{Bucket}/{key}";

    public override string ToString() => $"s3://{Bucket}/{Prefix}";
}
