namespace FlowSpike.Records;

/// <summary>The VPC Flow Log fields FlowSpike reads. Every other field of versions 2 to 8 is accepted and ignored.</summary>
public enum FlowField
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
}
