namespace FlowSpike.Synth;

/// <summary>One injected spike: <paramref name="ExtraBlocked"/> blocked outbound records of
/// <paramref name="SrcIp"/> added on top of its normal traffic, all with start in [WindowStart, WindowEnd).</summary>
internal sealed record SynthSpike(string SrcIp, DateTimeOffset WindowStart, DateTimeOffset WindowEnd, int ExtraBlocked);
