namespace FlowSpike.Selection;

internal enum DestinationKind : byte
{
    None,
    Ipv4,
    Ipv6,
}
