using FlowSpike.Alerts;
using FlowSpike.Models;

namespace FlowSpike.Runs;

/// <summary>What turns a window's spikes into delivered alerts: thresholds, allowlists, suppression, and history
/// kept.</summary>
internal sealed record AlertPolicy
{
    public SpikeSettings Settings { get; init; } = SpikeSettings.Default;
    public AlertFilter Filter { get; init; } = AlertFilter.None;
    public Suppression Suppression { get; init; } = Suppression.None;
    public bool KeepHistory { get; init; } = true;
    public long HistoryRetentionSeconds { get; init; } = 90 * 86400L;
    /// <summary>splunk (the ESCU search, exact) or recommended.</summary>
    public string Model { get; init; } = SplunkModel.ModelName;
    /// <summary>Annotates alerts when many hosts of one account spike together; null is off (the ESCU search's
    /// mode).</summary>
    public RolloutAwareness? Rollout { get; init; }

    /// <summary>The rules of the models beyond the ESCU search (null: the recommendation); the splunk model has
    /// none.</summary>
    public RecommendedSettings? Rules { get; init; }

    public ISpikeModel CreateModel() => SpikeModels.IsKnown(Model)
        ? SpikeModels.Create(Model, Settings, Rules)
        : throw new RunException(SpikeModels.Unknown(Model));
}
