namespace FlowSpike.Aggregation;

/// <summary>
/// What one source did in one window: its counted records and, when details are kept, the distinct destinations and
/// interfaces. A scan keeps the details as numbers (<see cref="ScanDetails"/>); each set becomes strings the first time
/// it is read, so only the hosts an alert, the open-window state or the cluster's codec looks at pay for names.
/// </summary>
internal sealed class SourceWindowStats
{
    private HashSet<string>? _destinations;
    private HashSet<string>? _interfaces;
    private HashSet<string>? _accounts;
    private ScanDetails? _details;
    private int _entry;
    // Which numeric sets are still to be named: bit 0 destinations, 1 interfaces, 2 accounts.
    private int _lazy;

    public long Count { get; set; }

    public HashSet<string>? Destinations
    {
        get => Named(ref _destinations, 1);
        set => Set(ref _destinations, 1, value);
    }

    public HashSet<string>? Interfaces
    {
        get => Named(ref _interfaces, 2);
        set => Set(ref _interfaces, 2, value);
    }

    /// <summary>The AWS accounts the records came from (for rollout awareness).</summary>
    public HashSet<string>? Accounts
    {
        get => Named(ref _accounts, 4);
        set => Set(ref _accounts, 4, value);
    }

    /// <summary>The number of distinct destinations, without naming them.</summary>
    public int DestinationCount => (_lazy & 1) != 0 ? _details!.DestinationCount(_entry) : _destinations?.Count ?? 0;

    /// <summary>The destinations as an array, named without building or keeping a set, for writers.</summary>
    public string[]? DestinationNames() => List(_destinations, 1);

    /// <summary>The interfaces as an array, like <see cref="DestinationNames"/>.</summary>
    public string[]? InterfaceNames() => List(_interfaces, 2);

    /// <summary>The accounts as an array, like <see cref="DestinationNames"/>.</summary>
    public string[]? AccountNames() => List(_accounts, 4);

    /// <summary>
    /// The accounts as ids in the scan's account table, while they are still numbers: counting hosts per account
    /// then names each account once, not once per host.
    /// </summary>
    internal bool TryAccountIds(out ScanDetails details, out ReadOnlySpan<int> ids)
    {
        if ((_lazy & 4) == 0)
        {
            details = null!;
            ids = default;
            return false;
        }
        details = _details!;
        ids = details.AccountIds(_entry);
        return true;
    }

    internal void AttachDetails(ScanDetails details, int entry)
    {
        _details = details;
        _entry = entry;
        _lazy = 7;
    }

    public void Merge(SourceWindowStats other)
    {
        Count += other.Count;
        // The other side is only read, so its names are listed rather than kept as sets.
        if (other.Listed(other._destinations, 1) is { } d)
            (Destinations ??= new HashSet<string>(StringComparer.Ordinal)).UnionWith(d);
        if (other.Listed(other._interfaces, 2) is { } i)
            (Interfaces ??= new HashSet<string>(StringComparer.Ordinal)).UnionWith(i);
        if (other.Listed(other._accounts, 4) is { } a)
            (Accounts ??= new HashSet<string>(StringComparer.Ordinal)).UnionWith(a);
    }

    /// <summary>A set's names to read once: the set itself when named, else a list from the numbers.</summary>
    private IEnumerable<string>? Listed(HashSet<string>? field, int bit) =>
        (_lazy & bit) != 0 ? _details!.NameArray(_entry, bit) : field;

    private string[]? List(HashSet<string>? field, int bit) =>
        (_lazy & bit) != 0 ? _details!.NameArray(_entry, bit) : field is null ? null : [.. field];

    private HashSet<string>? Named(ref HashSet<string>? field, int bit)
    {
        if ((_lazy & bit) != 0)
        {
            field = _details!.Names(_entry, bit);
            _lazy &= ~bit;
            if (_lazy == 0)
                _details = null;
        }
        return field;
    }

    private void Set(ref HashSet<string>? field, int bit, HashSet<string>? value)
    {
        _lazy &= ~bit;
        if (_lazy == 0)
            _details = null;
        field = value;
    }
}
