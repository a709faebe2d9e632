namespace FlowSpike.Aggregation;

/// <summary>Where a malformed line was. <see cref="Segment"/> is the part of a split file, whose lines count from
/// 1.</summary>
internal readonly record struct MalformedSample(string Source, int Segment, long Line, string Reason)
{
    public override string ToString() => $"{Source}:{Line}: {Reason}";
}
