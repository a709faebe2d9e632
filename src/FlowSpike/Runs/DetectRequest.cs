using FlowSpike.Alerts;
using FlowSpike.Baseline;

namespace FlowSpike.Runs;

public sealed record DetectRequest
{
    public required long From { get; init; }
    public required long To { get; init; }
    public long WindowSeconds { get; init; } = 3600;
    public SpikeSettings Settings { get; init; } = SpikeSettings.Default;
    public AlertFilter Filter { get; init; } = AlertFilter.None;
}
