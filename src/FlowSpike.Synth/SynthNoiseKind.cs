namespace FlowSpike.Synth;

/// <summary>Record kinds that must not count as blocked outbound.</summary>
internal enum SynthNoiseKind
{
    AcceptOutbound,
    AcceptInbound,
    AcceptInternal,
    RejectInbound,
    RejectInternal,
    NoData,
    SkipData,
    Ipv6,
}
