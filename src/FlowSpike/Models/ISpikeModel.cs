namespace FlowSpike.Models;

/// <summary>How a host's baseline row is updated with a window's count, and when that count is a spike. Pure math, no
/// I/O.</summary>
internal interface ISpikeModel
{
    string Name { get; }

    /// <summary>Whether every host in the lookup is stepped each window, silent ones included (they get a null
    /// count).</summary>
    bool UpdatesSilentHosts { get; }

    /// <summary>
    /// One window for one host: <paramref name="stored"/> is null for a host not in the lookup, <paramref
    /// name="latestCount"/>
    /// null for a silent host; <paramref name="windowStart"/> (epoch seconds) places the window in the week.
    /// Returns the row to store and the test's outcome.
    /// </summary>
    ModelStep Step(BaselineRow? stored, uint src, long? latestCount, long windowStart);
}
