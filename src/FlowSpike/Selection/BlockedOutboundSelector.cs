using System.Runtime.CompilerServices;

namespace FlowSpike.Selection;

/// <summary>
/// docs/spec.md §1: REJECT, IPv4 source inside an internal network, destination a valid IP outside them. With IPv6
/// internal networks (beyond the ESCU search), IPv6 sources inside them count too and IPv6 destinations inside them do
/// not.
/// Works on the raw field bytes so the scan never builds strings.
/// </summary>
internal sealed class BlockedOutboundSelector(CidrSet internalNetworks)
{
    public CidrSet Internal { get; } = internalNetworks;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsReject(ReadOnlySpan<byte> action) =>
        action.Length == 6 && action.SequenceEqual("REJECT"u8);

    /// <summary>
    /// An action a flow log writes: ACCEPT, REJECT, or '-' (NODATA and SKIPDATA records). Anything else in that field
    /// is no record: prose, or a line of another log that happens to have as many fields.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsFlowAction(ReadOnlySpan<byte> action) =>
        action.Length == 6 ? action.SequenceEqual("REJECT"u8) || action.SequenceEqual("ACCEPT"u8)
        : action.Length == 1 && action[0] == (byte)'-';

    /// <summary>Destination test. Returns the kind of destination, or <see cref="DestinationKind.None"/> when it must
    /// not count.</summary>
    public DestinationKind ClassifyDestination(ReadOnlySpan<byte> dst, out uint ipv4)
    {
        if (Ipv4.TryParse(dst, out ipv4))
            return Internal.Contains(ipv4) ? DestinationKind.None : DestinationKind.Ipv4;
        return ClassifyIpv6(dst);
    }

    /// <summary><see cref="ClassifyDestination(ReadOnlySpan{byte}, out uint)"/> on the field
    /// <paramref name="line"/>[<paramref name="at"/>..+<paramref name="length"/>], parsed in place.</summary>
    internal DestinationKind ClassifyDestination(ReadOnlySpan<byte> line, int at, int length, out uint ipv4)
    {
        if (Ipv4.TryParseField(line, at, length, out ipv4))
            return Internal.Contains(ipv4) ? DestinationKind.None : DestinationKind.Ipv4;
        return ClassifyIpv6(line.Slice(at, length));
    }

    private DestinationKind ClassifyIpv6(ReadOnlySpan<byte> dst)
    {
        if (!Ipv6.TryParse(dst, out var v6))
            return DestinationKind.None;
        return Internal.HasIpv6 && Internal.Contains(v6) ? DestinationKind.None : DestinationKind.Ipv6;
    }
}
