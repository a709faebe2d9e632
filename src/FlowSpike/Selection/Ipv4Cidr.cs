namespace FlowSpike.Selection;

/// <summary>An IPv4 network such as 10.0.0.0/8.</summary>
internal readonly record struct Ipv4Cidr(uint Network, int PrefixLength)
{
    public uint Mask => PrefixLength == 0 ? 0u : uint.MaxValue << (32 - PrefixLength);

    public bool Contains(uint ip) => (ip & Mask) == Network;

    /// <summary>Parses "a.b.c.d/n" (or a bare address as /32). The host bits must be zero.</summary>
    public static bool TryParse(string text, out Ipv4Cidr cidr, out string? error)
    {
        cidr = default;
        error = null;
        string t = text.Trim();
        int slash = t.IndexOf('/');
        string addr = slash < 0 ? t : t[..slash];
        int prefix = 32;
        if (slash >= 0 && (!int.TryParse(t.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null,
            out prefix) || prefix > 32))
        {
            error = $"'{text}' has an invalid prefix length (expected /0 to /32)";
            return false;
        }
        if (!Ipv4.TryParse(addr, out uint ip))
        {
            error = addr.Contains(':')
                ? $"'{text}' is an IPv6 network; only IPv4 networks are supported here"
                : $"'{text}' is not an IPv4 network (expected a.b.c.d/n)";
            return false;
        }
        var c = new Ipv4Cidr(ip, prefix);
        if ((ip & c.Mask) != ip)
        {
            error = $"'{text}' has host bits set (did you mean {Ipv4.Format(ip & c.Mask)}/{prefix}?)";
            return false;
        }
        cidr = c;
        return true;
    }

    public static Ipv4Cidr Parse(string text) =>
        TryParse(text, out var c, out var error) ? c : throw new FormatException(error);

    public override string ToString() => $"{Ipv4.Format(Network)}/{PrefixLength}";
}
