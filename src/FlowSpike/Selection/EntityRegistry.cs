using System.Globalization;

namespace FlowSpike.Selection;

/// <summary>
/// Names the hosts a state keeps baselines for. An IPv4 source in the ESCU search's keying is its own 32-bit key; any
/// other
/// entity (an IPv6 source, an account/VPC/address triple, an interface) gets the next number here, and the state stores
/// the numbers with its rows. Thread-safe: scan threads add while they count.
/// </summary>
internal sealed class EntityRegistry(EntityKind kind)
{
    /// <summary>With src_ip keys, IPv6 sources are numbered in 240.0.0.0/4, which IPv4 reserves and no host
    /// uses.</summary>
    public const uint FirstIpv6Key = 0xF000_0000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, uint> _keys = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];

    public EntityKind Kind { get; } = kind;

    /// <summary>The ESCU search's keying, where every key is an IPv4 address unless IPv6 sources were added.</summary>
    public bool IsIpv4Keyed => Kind == EntityKind.SrcIp;

    public uint FirstKey => IsIpv4Keyed ? FirstIpv6Key : 1;

    public int Count
    {
        get
        {
            lock (_gate)
                return _names.Count;
        }
    }

    /// <summary>How many entries the state has stored; the rest are written with the next commit.</summary>
    public int Saved { get; private set; }

    public uint GetOrAdd(string name)
    {
        lock (_gate)
        {
            if (_keys.TryGetValue(name, out uint key))
                return key;
            key = FirstKey + (uint)_names.Count;
            _names.Add(name);
            _keys.Add(name, key);
            return key;
        }
    }

    /// <summary>The key of a host named as alerts and the lookup name it; false when it was never seen.</summary>
    public bool TryGetKey(string name, out uint key)
    {
        if (IsIpv4Keyed && Ipv4.TryParse(name, out key))
            return true;
        lock (_gate)
            return _keys.TryGetValue(name, out key);
    }

    /// <summary>The names whose address part is <paramref name="address"/>, in name order.</summary>
    public IReadOnlyList<string> NamesWithAddress(string address)
    {
        lock (_gate)
        {
            var found = _names.Where(n => AddressOf(n) == address).ToList();
            found.Sort(StringComparer.Ordinal);
            return found;
        }
    }

    public string NameOf(uint key)
    {
        lock (_gate)
        {
            if (key >= FirstKey && key - FirstKey < (uint)_names.Count)
                return _names[(int)(key - FirstKey)];
        }
        return IsIpv4Keyed ? Ipv4.Format(key) : $"#{key.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>Entries not yet stored, in key order.</summary>
    public IReadOnlyList<(uint Key, string Name)> Unsaved()
    {
        lock (_gate)
        {
            var list = new List<(uint, string)>(_names.Count - Saved);
            for (int i = Saved; i < _names.Count; i++)
                list.Add((FirstKey + (uint)i, _names[i]));
            return list;
        }
    }

    public void MarkSaved(int count) => Saved = Math.Max(Saved, count);

    /// <summary>Restores a stored entry; keys must come in order.</summary>
    public void Load(uint key, string name)
    {
        lock (_gate)
        {
            if (key != FirstKey + (uint)_names.Count)
                throw new InvalidOperationException($"entity key {key} out of order (expected " +
                    $"{FirstKey + (uint)_names.Count})");
            _names.Add(name);
            _keys.Add(name, key);
            Saved = _names.Count;
        }
    }

    /// <summary>The address part of an entity name ("account/vpc/address" or an address).</summary>
    public static string AddressOf(string name) => name[(name.LastIndexOf('/') + 1)..];

    public static string NameOf(EntityKind kind) => kind switch
    {
        EntityKind.AccountVpcSrcIp => "account+vpc+src_ip",
        EntityKind.Interface => "interface",
        _ => "src_ip",
    };

    public static bool TryParseKind(string text, out EntityKind kind)
    {
        foreach (var k in Enum.GetValues<EntityKind>())
        {
            if (string.Equals(NameOf(k), text, StringComparison.Ordinal))
            {
                kind = k;
                return true;
            }
        }
        kind = EntityKind.SrcIp;
        return false;
    }
}
