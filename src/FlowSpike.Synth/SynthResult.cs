namespace FlowSpike.Synth;

/// <summary>What a generator run wrote. <paramref name="Records"/> excludes header lines,
/// <paramref name="UncompressedBytes"/> includes them.</summary>
internal sealed record SynthResult(
    int Files, long Records, long UncompressedBytes, string LabelsPath, IReadOnlyList<SynthSpike> Spikes);
