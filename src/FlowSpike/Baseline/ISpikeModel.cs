namespace FlowSpike.Baseline;

/// <summary>How a host's baseline row is updated with a window's count, and when that count is a spike. Pure math, no I/O.</summary>
public interface ISpikeModel
{
    string Name { get; }

    /// <summary>The row after a window. <paramref name="stored"/> is null for a host not in the lookup; <paramref name="latestCount"/> is null for a silent host.</summary>
    BaselineRow Update(BaselineRow? stored, uint src, long? latestCount);

    /// <summary>Tests the updated row; <paramref name="threshold"/> is the level the count had to exceed (NaN when the row cannot be scored).</summary>
    bool IsSpike(in BaselineRow row, out double threshold);
}
