namespace FlowSpike.Selection;

/// <summary>A set of IPv4 networks tested on integers. Small sets (the usual case) are a linear scan of mask/network pairs.</summary>
public sealed class CidrSet
{
    public static readonly IReadOnlyList<string> Rfc1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

    private readonly uint[] _masks;
    private readonly uint[] _networks;

    public CidrSet(IEnumerable<Ipv4Cidr> networks)
    {
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

    public bool IsEmpty => _masks.Length == 0;

    public static CidrSet Parse(IEnumerable<string> cidrs) => new(cidrs.Select(Ipv4Cidr.Parse));

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

    public override string ToString() => string.Join(",", Networks);
}
