using FlowSpike.Selection;

namespace FlowSpike.Models;

/// <summary>
/// Each model's defaults beyond its math, stated once and used by every caller: the ESCU search keys by address,
/// ignores IPv6 and annotates nothing; the recommended model keeps overlapping private ranges apart, counts IPv6 unique
/// local sources, annotates likely rollouts, and has its rules.
/// </summary>
internal sealed record ModelDefaults(EntityKind Entity, bool CountsIpv6, double? RolloutShare,
    RecommendedSettings? Rules)
{
    public static ModelDefaults Splunk { get; } = new(EntityKind.SrcIp, CountsIpv6: false, RolloutShare: null,
        Rules: null);

    public static ModelDefaults Recommended { get; } =
        new(EntityKind.AccountVpcSrcIp, CountsIpv6: true, RolloutShare: 0.25, Rules: new RecommendedSettings());

    /// <summary>The defaults of a known model (see <see cref="SpikeModels.Names"/>).</summary>
    public static ModelDefaults For(string model) => model switch
    {
        SplunkModel.ModelName => Splunk,
        RecommendedModel.ModelName => Recommended,
        _ => throw new ArgumentException(SpikeModels.Unknown(model), nameof(model)),
    };
}
