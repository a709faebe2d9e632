namespace FlowSpike.Alerts;

internal enum SuppressionKey
{
    /// <summary>One host.</summary>
    SrcIp,
    /// <summary>One host on one set of interfaces.</summary>
    SrcIpAndResources,
}
