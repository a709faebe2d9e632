namespace FlowSpike.Selection;

/// <summary>What one baseline is kept for (`--entity`).</summary>
internal enum EntityKind
{
    /// <summary>The source address (the ESCU search): the same private IP in two accounts shares one
    /// baseline.</summary>
    SrcIp,

    /// <summary>Account, VPC and source address: overlapping private ranges in different accounts or VPCs stay
    /// apart.</summary>
    AccountVpcSrcIp,

    /// <summary>The network interface (ENI): follows a workload across address changes.</summary>
    Interface,
}
