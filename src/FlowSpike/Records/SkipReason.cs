namespace FlowSpike.Records;

/// <summary>Why an object is not read as a flow log: one rule on every path (detect, baseline, watch, cluster).
/// </summary>
public enum SkipReason
{
    /// <summary>Text or CloudWatch Logs events in which no line parses as a flow-log record (prose, a header
    /// alone, lines of another field count).</summary>
    NoFlowLogLines,

    /// <summary>Another format: a CSV, JSON of another kind, an image or other binary data, Parquet without the
    /// flow-log columns.</summary>
    OtherFormat,

    /// <summary>A log FlowSpike does not read: a Transit Gateway flow log.</summary>
    UnsupportedLogType,
}

/// <summary>The words and metric labels of <see cref="SkipReason"/>.</summary>
internal static class SkipReasons
{
    public static string Words(SkipReason reason) => reason switch
    {
        SkipReason.NoFlowLogLines => "no flow-log line",
        SkipReason.OtherFormat => "another format",
        _ => "unsupported log type",
    };

    public static string Label(SkipReason reason) => reason switch
    {
        SkipReason.NoFlowLogLines => "no_flow_log_line",
        SkipReason.OtherFormat => "other_format",
        _ => "unsupported_log_type",
    };
}
