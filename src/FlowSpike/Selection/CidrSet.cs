using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FlowSpike.Selection;

/// <summary>
/// A set of IPv4 networks tested on integers, plus optional IPv6 networks. Up to four networks (the usual case) are
/// tested in one vector, up to eight by a scan of mask/network pairs without early exit; larger ones (allow-lists)
/// are merged into sorted disjoint ranges searched by halving. <see cref="ContainsScan"/> is the linear twin the
/// tests compare them all with.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CidrSetJsonConverter))]
internal sealed class CidrSet
{
    public static readonly IReadOnlyList<string> Rfc1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

    /// <summary>Above this many IPv4 networks, lookups search sorted ranges.</summary>
    public const int RangeSearchFrom = 8;

    private readonly uint[] _masks;
    private readonly uint[] _networks;
    // Up to four networks (the default set has three) in one vector each: one and, one compare. Unused lanes have
    // mask 0 and network 1, which no address matches.
    private readonly bool _inVectors;
    private readonly Vector128<uint> _masks4;
    private readonly Vector128<uint> _networks4;
    // Sorted, disjoint, non-adjacent [first, last] ranges; null for small sets.
    private readonly uint[]? _firsts;
    private readonly uint[]? _lasts;

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
        if (Networks.Count > RangeSearchFrom)
            (_firsts, _lasts) = Ranges(Networks);
        if (Networks.Count <= Vector128<uint>.Count && Vector128.IsHardwareAccelerated)
        {
            Span<uint> masks = [0, 0, 0, 0], nets = [1, 1, 1, 1];
            _masks.CopyTo(masks);
            _networks.CopyTo(nets);
            _masks4 = Vector128.Create<uint>(masks);
            _networks4 = Vector128.Create<uint>(nets);
            _inVectors = true;
        }
    }

    private static (uint[] Firsts, uint[] Lasts) Ranges(IReadOnlyList<Ipv4Cidr> networks)
    {
        var ranges = networks.Select(n => (First: n.Network, Last: n.Network | ~n.Mask)).OrderBy(r => r.First).ToList();
        var firsts = new List<uint>();
        var lasts = new List<uint>();
        foreach (var (first, last) in ranges)
        {
            if (lasts.Count > 0 && (lasts[^1] == uint.MaxValue || first <= lasts[^1] + 1))
            {
                lasts[^1] = Math.Max(lasts[^1], last);
                continue;
            }
            firsts.Add(first);
            lasts.Add(last);
        }
        return ([.. firsts], [.. lasts]);
    }

    public IReadOnlyList<Ipv4Cidr> Networks { get; }

    public IReadOnlyList<Ipv6Cidr> Ipv6Networks { get; }

    /// <summary>Whether IPv6 sources can be internal at all (the ESCU search ignores IPv6).</summary>
    public bool HasIpv6 => Ipv6Networks.Count > 0;

    public bool IsEmpty => _masks.Length == 0 && Ipv6Networks.Count == 0;

    /// <summary>Parses IPv4 and IPv6 networks alike; a bad one throws a <see cref="FormatException"/> naming
    /// it.</summary>
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(uint ip) =>
        _inVectors ? Vector128.EqualsAny(Vector128.Create(ip) & _masks4, _networks4) : ContainsMany(ip);

    private bool ContainsMany(uint ip)
    {
        if (_firsts is { } firsts)
        {
            // The last range starting at or before ip.
            int i = Array.BinarySearch(firsts, ip);
            if (i < 0)
                i = ~i - 1;
            return i >= 0 && ip <= _lasts![i];
        }
        var masks = _masks;
        var nets = _networks;
        bool hit = false;
        for (int i = 0; i < masks.Length; i++)
            hit |= (ip & masks[i]) == nets[i];
        return hit;
    }

    /// <summary>The plain linear test, the twin of <see cref="Contains(uint)"/>.</summary>
    public bool ContainsScan(uint ip)
    {
        foreach (var n in Networks)
        {
            if (n.Contains(ip))
                return true;
        }
        return false;
    }

    /// <summary>Each network as text, IPv4 first: what <see cref="Parse"/> reads back.</summary>
    public string[] ToStrings() => [.. Networks.Select(n => n.ToString()), .. Ipv6Networks.Select(n => n.ToString())];

    public override string ToString() => string.Join(",", ToStrings());

    /// <summary>Two sets are equal when they list the same networks in the same order.</summary>
    public override bool Equals(object? obj) => obj is CidrSet other && ToString() == other.ToString();

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
