using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FlowSpike.Tests.Reference;

/// <summary>docs/spec.md §1: which records count, with plain address and CIDR parsing.</summary>
public static partial class ReferenceSpec
{
    private static readonly string[] DefaultInternalCidrs = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];


    public static bool Counts(RefRecord r, IReadOnlyList<string>? internalCidrs = null)
    {
        var internalNets = ParseCidrs(internalCidrs ?? DefaultInternalCidrs);

        if (r.Action != "REJECT")
            return false;

        // srcaddr: IPv4, inside an internal network.
        var src = ParseIp(r.SrcAddr);
        if (src == null || src.AddressFamily != AddressFamily.InterNetwork)
            return false;
        if (!internalNets.Any(net => net.Contains(src)))
            return false;

        // dstaddr: a valid IP; if IPv4, not inside an internal network.
        var dst = ParseIp(r.DstAddr);
        if (dst == null)
            return false;
        if (dst.AddressFamily == AddressFamily.InterNetwork && internalNets.Any(net => net.Contains(dst)))
            return false;

        return true;
    }

    /// <summary>
    /// Parses an address in ordinary text form, or returns null.
    /// IPv4: exactly four dot-separated decimal octets 0..255, each "0" or without leading zeros
    /// (leading zeros are rejected because IPAddress.TryParse would read them as octal).
    /// IPv6: contains ':' and IPAddress.TryParse accepts it.
    /// </summary>
    private static IPAddress? ParseIp(string text)
    {
        if (!IPAddress.TryParse(text, out var address))
            return null;

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var parts = text.Split('.');
            if (parts.Length != 4)
                return null;
            foreach (var part in parts)
            {
                if (part.Length == 0 || part.Length > 3 || !part.All(c => c >= '0' && c <= '9'))
                    return null;
                if (part.Length > 1 && part[0] == '0')
                    return null;
                if (int.Parse(part, CultureInfo.InvariantCulture) > 255)
                    return null;
            }
            return address;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return text.Contains(':') ? address : null;

        return null;
    }

    /// <summary>A network "address/prefix" (a bare address means a single host).</summary>
    private sealed record Cidr(byte[] Network, int PrefixLength, AddressFamily Family)
    {
        public bool Contains(IPAddress address)
        {
            if (address.AddressFamily != Family)
                return false;
            var bytes = address.GetAddressBytes();
            for (var bit = 0; bit < PrefixLength; bit++)
            {
                var mask = 0x80 >> (bit % 8);
                if ((bytes[bit / 8] & mask) != (Network[bit / 8] & mask))
                    return false;
            }
            return true;
        }
    }

    private static List<Cidr> ParseCidrs(IEnumerable<string> cidrs) => cidrs.Select(ParseCidr).ToList();

    private static Cidr ParseCidr(string text)
    {
        var parts = text.Trim().Split('/');
        if (parts.Length > 2)
            throw new ArgumentException($"Invalid CIDR '{text}'.", nameof(text));
        var address = ParseIp(parts[0]) ?? throw new ArgumentException($"Invalid CIDR '{text}'.", nameof(text));
        var maxBits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = maxBits;
        if (parts.Length == 2 &&
            (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > maxBits))
            throw new ArgumentException($"Invalid CIDR '{text}'.", nameof(text));
        return new Cidr(address.GetAddressBytes(), prefix, address.AddressFamily);
    }
}
