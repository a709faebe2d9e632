using System.Runtime.CompilerServices;
using FlowSpike.Selection;

namespace FlowSpike.Aggregation;

/// <summary>
/// One thread's counts per (window, source), keyed by a single 64-bit integer in an open-addressing table, plus the
/// details alerts need, kept as numbers. Workers' accumulators are merged with <see cref="MergeFrom"/>, then turned
/// into one <see cref="WindowPartial"/>.
/// </summary>
internal sealed partial class ScanAccumulator
{
    private readonly long _from;
    private readonly long _to;
    private readonly long _windowSeconds;
    private readonly bool _keepDetails;
    private readonly EntityRegistry? _entities;
    // Lemire's multiply-shift: (n * ceil(2^64 / d)) >> 64 is n / d exactly for any n below 2^32.
    private readonly ulong _windowReciprocal;


    private readonly ByteStringTable _entityNames = new();
    private readonly List<uint> _entityKeys = [];
    private readonly CountTable _table = new();
    // (entry << 33) | destination, where a destination is an IPv4 address or 2^32 + an IPv6 name id.
    private readonly LongSet _destinations = new();
    // (entry << 32) | id, for interfaces and accounts.
    private readonly LongSet _interfaces = new();
    private readonly LongSet _accounts = new();
    private readonly ByteStringTable _interfaceNames = new();
    private readonly ByteStringTable _ipv6Names = new();
    private readonly ByteStringTable _accountNames = new();

    private byte[] _scratch = [];

    public ScanAccumulator(long from, long windowSeconds, bool keepDetails, EntityRegistry? entities = null,
        long to = long.MaxValue)
    {
        _from = from;
        _to = to;
        _windowSeconds = windowSeconds;
        _keepDetails = keepDetails;
        _entities = entities;
        _windowReciprocal = windowSeconds is > 1 and <= uint.MaxValue ? ulong.MaxValue / (ulong)windowSeconds + 1 : 0;
        (_dense, _boundHeads, _boundTails) = DenseMarks(from, to, windowSeconds);
    }

    public ScanDiagnostics Diagnostics { get; } = new();

    /// <summary>A reusable buffer for re-splitting an irregular line.</summary>
    public byte[] Scratch(int length)
    {
        if (_scratch.Length < length)
            _scratch = new byte[Math.Max(length, 256)];
        return _scratch;
    }

    public bool KeepDetails => _keepDetails;

    public EntityRegistry? Entities => _entities;

    /// <summary>Distinct (window, source) entries so far.</summary>
    public int Entries => _table.Count;

    /// <summary>The key of an entity this thread has seen, by its local bytes (no allocation).</summary>
    public bool TryEntityKey(ReadOnlySpan<byte> local, out uint key)
    {
        if (_entityNames.TryGet(local, out int id))
        {
            key = _entityKeys[id];
            return true;
        }
        key = 0;
        return false;
    }

    /// <summary>Numbers a new entity in the shared registry under its display name, once per thread.</summary>
    public uint AddEntity(ReadOnlySpan<byte> local, string name)
    {
        uint key = _entities!.GetOrAdd(name);
        _entityNames.GetOrAdd(local);
        _entityKeys.Add(key);
        return key;
    }

    /// <summary>The window index of a start inside the scan's range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong WindowOf(long start)
    {
        ulong n = (ulong)(start - _from);
        return n <= uint.MaxValue && _windowReciprocal != 0
            ? Math.BigMul(n, _windowReciprocal, out _)
            : n / (ulong)_windowSeconds;
    }

    /// <summary>Counts one record; returns the entry so details can be attached.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Add(long start, uint src) =>
        // src is an IPv4 address or, beyond the ESCU search's keying, an entity key.
        _table.Increment((WindowOf(start) << 32) | src);

    public void AddDestination(int entry, DestinationKind kind, uint ipv4, ReadOnlySpan<byte> text)
    {
        ulong dst = kind == DestinationKind.Ipv4 ? ipv4 : (1UL << 32) | (uint)_ipv6Names.GetOrAdd(text);
        _destinations.Add(((ulong)entry << 33) | dst);
    }

    public void AddInterface(int entry, ReadOnlySpan<byte> interfaceId) =>
        _interfaces.Add(((ulong)entry << 32) | (uint)_interfaceNames.GetOrAdd(interfaceId));

    public void AddAccount(int entry, ReadOnlySpan<byte> account) =>
        _accounts.Add(((ulong)entry << 32) | (uint)_accountNames.GetOrAdd(account));

    /// <summary>Adds another worker's counts and details to this one (same range and windows).</summary>
    public void MergeFrom(ScanAccumulator other)
    {
        var counts = other._table.Counts();
        var entries = new int[counts.Length];
        for (int e = 0; e < counts.Length; e++)
            entries[e] = _table.Add(other._table.KeyOf(e), counts[e]);
        Diagnostics.Merge(other.Diagnostics);
        if (!_keepDetails)
            return;
        var ipv6 = Remap(other._ipv6Names, _ipv6Names);
        var interfaces = Remap(other._interfaceNames, _interfaceNames);
        var accounts = Remap(other._accountNames, _accountNames);
        var copy = new CopyPairs(_destinations, entries, ipv6, 33);
        other._destinations.ForEach(ref copy);
        var copyInterfaces = new CopyPairs(_interfaces, entries, interfaces, 32);
        other._interfaces.ForEach(ref copyInterfaces);
        var copyAccounts = new CopyPairs(_accounts, entries, accounts, 32);
        other._accounts.ForEach(ref copyAccounts);
    }

    private static int[] Remap(ByteStringTable from, ByteStringTable to)
    {
        var map = new int[from.Count];
        for (int i = 0; i < map.Length; i++)
            map[i] = to.GetOrAdd(from.Bytes(i));
        return map;
    }

    public WindowPartial ToPartial()
    {
        var partial = new WindowPartial(_windowSeconds);
        var counts = _table.Counts();
        // Size each window's dictionary once.
        var perWindow = new Dictionary<ulong, int>();
        for (int e = 0; e < counts.Length; e++)
        {
            ulong window = _table.KeyOf(e) >> 32;
            perWindow[window] = perWindow.GetValueOrDefault(window) + 1;
        }
        foreach (var (window, n) in perWindow)
            partial.Windows[_from + (long)window * _windowSeconds] = new Dictionary<uint, SourceWindowStats>(n);
        var details = _keepDetails ? BuildDetails(counts.Length) : null;
        Dictionary<uint, SourceWindowStats>? sources = null;
        ulong current = ulong.MaxValue;
        for (int e = 0; e < counts.Length; e++)
        {
            ulong key = _table.KeyOf(e);
            if (key >> 32 != current)
            {
                current = key >> 32;
                sources = partial.Windows[_from + (long)current * _windowSeconds];
            }
            var s = new SourceWindowStats { Count = counts[e] };
            if (details is not null)
                s.AttachDetails(details, e);
            sources![(uint)key] = s;
        }
        return partial;
    }

    private ScanDetails BuildDetails(int entries)
    {
        var (destinationStart, destinations) = Rows(_destinations, entries, 33);
        var (interfaceStart, interfaceValues) = Rows(_interfaces, entries, 32);
        var (accountStart, accountValues) = Rows(_accounts, entries, 32);
        return new ScanDetails(destinationStart, destinations, interfaceStart, ToInts(interfaceValues), accountStart,
            ToInts(accountValues), _ipv6Names, _interfaceNames, _accountNames);
    }

    private static int[] ToInts(ulong[] values) => Array.ConvertAll(values, v => (int)v);

    /// <summary>A counting sort of packed (entry, value) pairs into rows: row e is
    /// values[start[e]..start[e+1]).</summary>
    private static (int[] Start, ulong[] Values) Rows(LongSet set, int entries, int shift)
    {
        var start = new int[entries + 1];
        var count = new CountRows(start, shift);
        set.ForEach(ref count);
        int sum = 0;
        for (int e = 0; e < entries; e++)
        {
            int n = start[e + 1];
            start[e + 1] = sum;
            sum += n;
        }
        // start[e + 1] is now row e's first slot; filling advances it to row e's end, which is row e + 1's start.
        var values = new ulong[sum];
        var fill = new FillRows(start, values, shift);
        set.ForEach(ref fill);
        return (start, values);
    }

    private struct CountRows(int[] start, int shift) : LongSet.IVisitor
    {
        public readonly void Visit(ulong value) => start[(int)(value >> shift) + 1]++;
    }

    private struct FillRows(int[] start, ulong[] values, int shift) : LongSet.IVisitor
    {
        public readonly void Visit(ulong value)
        {
            int e = (int)(value >> shift);
            values[start[e + 1]++] = value & ((1UL << shift) - 1);
        }
    }

    private struct CopyPairs(LongSet to, int[] entries, int[] names, int shift) : LongSet.IVisitor
    {
        public readonly void Visit(ulong value)
        {
            int e = (int)(value >> shift);
            ulong detail = value & ((1UL << shift) - 1);
            // Destinations above 2^32 and all interface/account values are ids in the other worker's name tables.
            if (shift == 32 || detail >> 32 != 0)
                detail = (detail & ~(ulong)uint.MaxValue) | (uint)names[(int)(uint)detail];
            to.Add(((ulong)entries[e] << shift) | detail);
        }
    }
}
