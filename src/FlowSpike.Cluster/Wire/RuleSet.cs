using FlowSpike.Baseline;

namespace FlowSpike.Cluster.Wire;

/// <summary>The rules of the models beyond the seed (<see cref="RecommendedSettings"/>) as they cross the wire.</summary>
[GenerateSerializer, Immutable]
public sealed record RuleSet(
    [property: Id(0)] bool ZeroFill,
    [property: Id(1)] bool TestFirst,
    [property: Id(2)] bool AutoLearn,
    [property: Id(3)] bool Seasonal,
    [property: Id(4)] long MinCount,
    [property: Id(5)] double TailProbability,
    [property: Id(6)] double NewHostRate,
    [property: Id(7)] double MinRate,
    [property: Id(8)] long MinDataPoints)
{
    public static RuleSet? From(RecommendedSettings? rules) =>
        rules is null ? null : new(rules.ZeroFill, rules.TestFirst, rules.AutoLearn, rules.Seasonal, rules.MinCount, rules.TailProbability,
            rules.NewHostRate, rules.MinRate, rules.MinDataPoints);

    public RecommendedSettings ToSettings() => new()
    {
        ZeroFill = ZeroFill,
        TestFirst = TestFirst,
        AutoLearn = AutoLearn,
        Seasonal = Seasonal,
        MinCount = MinCount,
        TailProbability = TailProbability,
        NewHostRate = NewHostRate,
        MinRate = MinRate,
        MinDataPoints = MinDataPoints,
    };
}
