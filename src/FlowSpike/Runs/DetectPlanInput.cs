namespace FlowSpike.Runs;

/// <summary>The state's facts that decide which windows a detect run closes.</summary>
internal sealed record DetectPlanInput(Func<long, bool> IsClosed, long? CommittedUntil, long? BaselineSpanSeconds);
