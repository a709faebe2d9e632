namespace FlowSpike.Watch;

internal sealed record WatchRequest
{
    public long WindowSeconds { get; init; } = 3600;
    /// <summary>A window closes once the watermark passes its end plus this much.</summary>
    public long LatenessSeconds { get; init; } = 600;
    /// <summary>Where to start when the state has no committed mark yet.</summary>
    public long? From { get; init; }
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>A file holding the current time in epoch seconds, read at every poll: lets tests and replays drive
    /// time.</summary>
    public string? ClockFile { get; init; }
    /// <summary>Process what is there, close what can be closed, and return.</summary>
    public bool Once { get; init; }
    public Runs.AlertPolicy Policy { get; init; } = new();
    /// <summary>
    /// A window no file has brought a single flow-log record for closes as quiet once its time has passed. Without it
    /// such a window stays open (and the windows after it wait) until data for it arrives.
    /// </summary>
    public bool AllowEmptyWindows { get; init; }
    /// <summary>No flow-log record arriving for this long makes the watch's health degraded (null: never).</summary>
    public long? StaleAfterSeconds { get; init; } = 3600;
}
