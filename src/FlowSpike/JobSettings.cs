namespace FlowSpike;

/// <summary>
/// What a user gives for a job, every setting optional: the CLI binds only the flags that were typed, an embedder sets
/// what it needs. <see cref="Jobs.BaselineJob"/>, <see cref="Jobs.DetectJob"/>, <see cref="Jobs.WatchJob"/> and
/// <see cref="Jobs.EvaluateJob"/> turn it, with a config file and the model's defaults, into a checked job.
/// Precedence: a setting given here, then the config file, then the model's default (<see
/// cref="Models.ModelDefaults"/>), then <see cref="Jobs.JobDefaults"/>.
/// </summary>
public sealed record JobSettings
{
    // What to read.
    public IReadOnlyList<string>? Inputs { get; init; }
    /// <summary>Field layout of header-less files, in AWS's format-string syntax.</summary>
    public string? LogFormat { get; init; }
    /// <summary>auto, text, json or parquet.</summary>
    public string? InputFormat { get; init; }
    public string? EndpointUrl { get; init; }
    /// <summary>Internal networks, replacing the config's and the RFC 1918 default.</summary>
    public IReadOnlyList<string>? Internal { get; init; }
    public bool? Ipv6 { get; init; }
    public int? Threads { get; init; }
    /// <summary>Skip Transit Gateway and other unsupported objects with a count and a warning, instead of
    /// stopping.</summary>
    public bool? SkipUnsupported { get; init; }

    // The state and its model.
    public string? State { get; init; }
    /// <summary>splunk (the ESCU search, exact) or recommended.</summary>
    public string? Model { get; init; }
    /// <summary>src_ip, account+vpc+src_ip or interface; null keeps a state's own.</summary>
    public string? Entity { get; init; }
    public bool? ZeroFill { get; init; }
    public bool? TestFirst { get; init; }
    public bool? AutoLearn { get; init; }
    public bool? Seasonal { get; init; }
    public long? MinCount { get; init; }
    public double? TailProbability { get; init; }

    // The range and its windows.
    public long? From { get; init; }
    public long? To { get; init; }
    public long? WindowSeconds { get; init; }
    public long? SpanSeconds { get; init; }

    // The ESCU search's thresholds, allowlists, suppression and rollout.
    public double? DeviationThreshold { get; init; }
    public long? DataPointThreshold { get; init; }
    public double? Weight { get; init; }
    public IReadOnlyList<string>? AllowSrc { get; init; }
    public IReadOnlyList<string>? AllowDest { get; init; }
    /// <summary>A duration (4h, 14400s): after an alert, the same key stays quiet this long.</summary>
    public string? Suppress { get; init; }
    /// <summary>src_ip or src_ip+resources.</summary>
    public string? SuppressKey { get; init; }
    public double? RolloutShare { get; init; }
    public bool? RolloutGroup { get; init; }
    public long? HistoryRetentionSeconds { get; init; }
    public bool? AllowEmptyWindows { get; init; }
    /// <summary>A baseline over records none of which is blocked outbound from an internal host is committed (empty)
    /// instead of refused.</summary>
    public bool? AllowEmptyBaseline { get; init; }
    public bool? AllowSpanMismatch { get; init; }

    // Where alerts go, besides the config's sinks.
    /// <summary>An alert file, appended; - is standard output.</summary>
    public string? Output { get; init; }
    /// <summary>jsonl, ocsf, asff or csv.</summary>
    public string? OutputFormat { get; init; }

    // Watch.
    public long? LatenessSeconds { get; init; }
    public long? PollIntervalSeconds { get; init; }
    /// <summary>No record arriving for this long degrades watch's health; 0 never.</summary>
    public long? StaleAfterSeconds { get; init; }
    public string? Clock { get; init; }
    public bool? Once { get; init; }
    /// <summary>watch from an SQS queue of S3 notifications (its URL) instead of polling the inputs.</summary>
    public string? Queue { get; init; }
    public long? VisibilityTimeoutSeconds { get; init; }
    public string? KeyPrefix { get; init; }
    public string? KeyRegex { get; init; }
    public long? BackfillFrom { get; init; }

    // Evaluate.
    public string? Labels { get; init; }
    public long? BaselineFrom { get; init; }
    public long? BaselineTo { get; init; }
    public IReadOnlyList<string>? Models { get; init; }
}
