using System.Net;
using System.Net.Sockets;

namespace FlowSpike.Selection;

/// <summary>IPv6 validation. Rare on the hot path (only blocked outbound records to IPv6), so it may use the BCL
/// parser.</summary>
internal static class Ipv6
{
    public static bool TryParse(ReadOnlySpan<byte> s, out UInt128 value)
    {
        value = 0;
        if (s.Length is < 2 or > 45 || s.IndexOf((byte)':') < 0)
            return false;
        Span<char> chars = stackalloc char[45];
        for (int i = 0; i < s.Length; i++)
        {
            byte b = s[i];
            bool ok = b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f')
                or (>= (byte)'A' and <= (byte)'F') or (byte)':' or (byte)'.';
            if (!ok)
                return false;
            chars[i] = (char)b;
        }
        if (!IPAddress.TryParse(chars[..s.Length],
            out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            return false;
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        value = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return true;
    }
}
