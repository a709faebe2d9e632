using FlowSpike.Alerts;
using FlowSpike.Baseline;

namespace FlowSpike.Runs;

/// <summary>What turns a window's spikes into delivered alerts: thresholds, allowlists, suppression, and history kept.</summary>
public sealed record AlertPolicy
{
    public SpikeSettings Settings { get; init; } = SpikeSettings.Default;
    public AlertFilter Filter { get; init; } = AlertFilter.None;
    public Suppression Suppression { get; init; } = Suppression.None;
    public bool KeepHistory { get; init; } = true;
    public long HistoryRetentionSeconds { get; init; } = 90 * 86400L;
}
