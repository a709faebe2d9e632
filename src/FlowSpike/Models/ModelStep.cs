namespace FlowSpike.Models;

/// <summary>A model's verdict on one host in one window: the updated row, whether it spiked, and the level it had to
/// exceed (NaN when not scored).</summary>
internal readonly record struct ModelStep(BaselineRow Updated, bool Spike, double Threshold)
{
    /// <summary>For a spike of a model beyond the ESCU search, its evidence; null otherwise (the ESCU search's model
    /// has
    /// none).</summary>
    public SpikeEvidence? Evidence { get; init; }
}
