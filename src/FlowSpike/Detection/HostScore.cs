namespace FlowSpike.Detection;

/// <summary>One active host's test in one window.</summary>
internal readonly record struct HostScore(uint Src, long Count, bool Spike, double Threshold);
