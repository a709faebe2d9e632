namespace FlowSpike.State;

/// <summary>What a state knows about its history: the model, where the committed windows end, and the last baseline's
/// range.</summary>
internal sealed record StateInfo(
    string Model,
    long? CommittedUntil,
    long? BaselineFrom,
    long? BaselineTo,
    long? WindowSeconds,
    long? Watermark = null,
    long? BaselineSpanSeconds = null);
