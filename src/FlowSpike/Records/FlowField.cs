namespace FlowSpike.Records;

/// <summary>The VPC Flow Log fields FlowSpike reads. Every other field of versions 2 to 11 is accepted and
/// ignored.</summary>
internal enum FlowField
{
    Version,
    AccountId,
    InterfaceId,
    SrcAddr,
    DstAddr,
    Start,
    Action,
    LogStatus,
    VpcId,
    /// <summary>The resource behind the interface (version 9+); stands in when interface-id is '-' (NAT).</summary>
    ResourceId,
}
