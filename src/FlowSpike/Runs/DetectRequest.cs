namespace FlowSpike.Runs;

internal sealed record DetectRequest
{
    public required long From { get; init; }
    public required long To { get; init; }
    public long WindowSeconds { get; init; } = 3600;
    public AlertPolicy Policy { get; init; } = new();

    /// <summary>
    /// Windows with no flow-log record at all are committed as quiet (the silence is real). Without it such a window is
    /// not committed: the run stops before it and fails naming it, and a later run with the data applies it.
    /// </summary>
    public bool AllowEmptyWindows { get; init; }

    /// <summary>
    /// Detect with a window other than the baseline's span (the ESCU search allows it; its counts then compare buckets
    /// of
    /// different sizes). Without it such a request is refused.
    /// </summary>
    public bool AllowSpanMismatch { get; init; }
}
