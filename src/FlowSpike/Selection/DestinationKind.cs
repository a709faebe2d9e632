namespace FlowSpike.Selection;

public enum DestinationKind : byte
{
    None,
    Ipv4,
    Ipv6,
}
