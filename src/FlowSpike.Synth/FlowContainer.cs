namespace FlowSpike.Synth;

/// <summary>The containers AWS delivers flow logs in; `flowspike synth --container` writes each of them.</summary>
public enum FlowContainer
{
    /// <summary>S3 text delivery: gzip, header line.</summary>
    Text,
    /// <summary>The JSON output of `aws logs filter-log-events`.</summary>
    CloudWatch,
    /// <summary>CloudWatch Logs subscription payloads (gzip JSON, a CONTROL_MESSAGE first), concatenated as
    /// Firehose writes them to S3.</summary>
    Subscription,
    /// <summary>Firehose objects: one {"message": "..."} per line.</summary>
    Firehose,
    /// <summary>S3 Parquet delivery: flat columns named like the fields, gzip codec.</summary>
    Parquet,
    /// <summary>Amazon Security Lake: OCSF Network Activity (4001) Parquet.</summary>
    Ocsf,
}
