using System.Net;
using System.Net.Sockets;

namespace FlowSpike.Selection;

/// <summary>An IPv6 network such as fc00::/7 (unique local addresses).</summary>
internal readonly record struct Ipv6Cidr(UInt128 Network, int PrefixLength)
{
    /// <summary>Unique local addresses, IPv6's private range (RFC 4193).</summary>
    public static Ipv6Cidr UniqueLocal { get; } = Parse("fc00::/7");

    public UInt128 Mask => PrefixLength == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - PrefixLength);

    public bool Contains(UInt128 ip) => (ip & Mask) == Network;

    public static bool TryParse(string text, out Ipv6Cidr cidr, out string? error)
    {
        cidr = default;
        error = null;
        string t = text.Trim();
        int slash = t.IndexOf('/');
        string addr = slash < 0 ? t : t[..slash];
        int prefix = 128;
        if (slash >= 0 && (!int.TryParse(t.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null,
            out prefix) || prefix > 128))
        {
            error = $"'{text}' has an invalid prefix length (expected /0 to /128)";
            return false;
        }
        if (!IPAddress.TryParse(addr, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            error = $"'{text}' is not an IPv6 network (expected x:x::/n)";
            return false;
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        var ip = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
        var c = new Ipv6Cidr(ip, prefix);
        if ((ip & c.Mask) != ip)
        {
            error = $"'{text}' has host bits set (did you mean {Format(ip & c.Mask)}/{prefix}?)";
            return false;
        }
        cidr = c;
        return true;
    }

    public static Ipv6Cidr Parse(string text) =>
        TryParse(text, out var c, out var error) ? c : throw new FormatException(error);

    /// <summary>Canonical (RFC 5952) text of an address.</summary>
    public static string Format(UInt128 ip)
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, ip);
        return new IPAddress(bytes).ToString();
    }

    public override string ToString() => $"{Format(Network)}/{PrefixLength}";
}
