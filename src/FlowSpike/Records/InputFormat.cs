namespace FlowSpike.Records;

/// <summary>What an input holds, found from its content (gzip is always inflated first), or forced with
/// --input-format.</summary>
internal enum InputFormat
{
    Auto,
    /// <summary>Space-separated records, with or without an S3 header line.</summary>
    Text,
    /// <summary>CloudWatch Logs exports and subscription payloads, Firehose objects: records in "message"
    /// strings.</summary>
    Json,
    /// <summary>S3 Parquet delivery, or Security Lake OCSF.</summary>
    Parquet,
}
