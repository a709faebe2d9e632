namespace FlowSpike.State;

/// <summary>One host in one window: its count and the baseline after the update, whether it spiked, and its
/// alert.</summary>
internal readonly record struct HistoryRow(long WindowStart, uint Src, long Count, double? Avg, double? Stdev,
    long? NumDataPoints,
    double? Threshold, bool Spike, string? AlertId, bool Suppressed);
