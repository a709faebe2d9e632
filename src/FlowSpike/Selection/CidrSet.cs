namespace FlowSpike.Selection;

/// <summary>
/// A set of IPv4 networks tested on integers, plus optional IPv6 networks. Small sets (the usual case) are a linear scan
/// of mask/network pairs.
/// </summary>
public sealed class CidrSet
{
    public static readonly IReadOnlyList<string> Rfc1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

    private readonly uint[] _masks;
    private readonly uint[] _networks;

    public CidrSet(IEnumerable<Ipv4Cidr> networks, IEnumerable<Ipv6Cidr>? ipv6 = null)
    {
        Ipv6Networks = [.. ipv6 ?? []];
        Networks = [.. networks];
        _masks = new uint[Networks.Count];
        _networks = new uint[Networks.Count];
        for (int i = 0; i < Networks.Count; i++)
        {
            _masks[i] = Networks[i].Mask;
            _networks[i] = Networks[i].Network;
        }
    }

    public IReadOnlyList<Ipv4Cidr> Networks { get; }

    public IReadOnlyList<Ipv6Cidr> Ipv6Networks { get; }

    /// <summary>Whether IPv6 sources can be internal at all (the seed ignores IPv6).</summary>
    public bool HasIpv6 => Ipv6Networks.Count > 0;

    public bool IsEmpty => _masks.Length == 0 && Ipv6Networks.Count == 0;

    /// <summary>Parses IPv4 and IPv6 networks alike; a bad one throws a <see cref="FormatException"/> naming it.</summary>
    public static CidrSet Parse(IEnumerable<string> cidrs)
    {
        var v4 = new List<Ipv4Cidr>();
        var v6 = new List<Ipv6Cidr>();
        foreach (string c in cidrs)
        {
            if (c.Contains(':', StringComparison.Ordinal))
                v6.Add(Ipv6Cidr.Parse(c));
            else
                v4.Add(Ipv4Cidr.Parse(c));
        }
        return new(v4, v6);
    }

    /// <summary>The same set with fc00::/7 (IPv6 unique local addresses) added.</summary>
    public CidrSet WithUniqueLocal() =>
        Ipv6Networks.Contains(Ipv6Cidr.UniqueLocal) ? this : new(Networks, [.. Ipv6Networks, Ipv6Cidr.UniqueLocal]);

    /// <summary>Whether an IPv4 network reaches into 240.0.0.0/4, where IPv6 sources are numbered.</summary>
    public bool ReachesReserved() => Networks.Any(n => (n.Network | ~n.Mask) >= EntityRegistry.FirstIpv6Key);

    public bool Contains(UInt128 ip)
    {
        foreach (var n in Ipv6Networks)
        {
            if (n.Contains(ip))
                return true;
        }
        return false;
    }

    public static CidrSet Default { get; } = Parse(Rfc1918);

    public static CidrSet Empty { get; } = new([]);

    public bool Contains(uint ip)
    {
        var masks = _masks;
        var nets = _networks;
        for (int i = 0; i < masks.Length; i++)
        {
            if ((ip & masks[i]) == nets[i])
                return true;
        }
        return false;
    }

    public override string ToString() => string.Join(",", [.. Networks.Select(n => n.ToString()), .. Ipv6Networks.Select(n => n.ToString())]);
}
