using System.Buffers.Binary;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using FlowSpike.Selection;

namespace FlowSpike.Aggregation;

/// <summary>
/// One thread's counts per (window, source), keyed by a single 64-bit integer in an open-addressing table, plus the
/// details alerts need, kept as numbers. Workers' accumulators are merged with <see cref="MergeFrom"/>, then turned
/// into one <see cref="WindowPartial"/>.
/// </summary>
internal sealed class ScanAccumulator
{
    private readonly long _from;
    private readonly long _to;
    private readonly long _windowSeconds;
    private readonly bool _keepDetails;
    private readonly EntityRegistry? _entities;
    // Lemire's multiply-shift: (n * ceil(2^64 / d)) >> 64 is n / d exactly for any n below 2^32.
    private readonly ulong _windowReciprocal;

    // The window the last parsed record fell in, and how many records in a row did: most records of a file share a
    // window, so marking presence costs a range test per record.
    private long _markFrom = long.MaxValue, _markTo = long.MinValue, _markRun;
    // The same window's bounds as ten ASCII digits (big-endian head and tail), when both have ten digits.
    private ulong _loHead, _hiHead;
    private uint _loTail, _hiTail;
    private bool _textRange;

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

    /// <summary>Notes one parsed flow-log record of any kind, by its start, for the per-window record counts.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Mark(long start)
    {
        Diagnostics.Parsed++;
        if (start >= _markFrom && start < _markTo)
        {
            _markRun++;
            return;
        }
        MarkSlow(start);
    }

    /// <summary>Notes a parsed record whose start is still text (digits only; anything else is not marked).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Mark(ReadOnlySpan<byte> start)
    {
        // Ten digits (every epoch second from 2001 to 2286) compare as text: two big-endian loads, no parse.
        if (start.Length == 10 && _textRange)
        {
            ulong head = BinaryPrimitives.ReadUInt64BigEndian(start);
            uint tail = BinaryPrimitives.ReadUInt16BigEndian(start[8..]);
            bool above = head > _loHead || (head == _loHead && tail >= _loTail);
            if (above && (head < _hiHead || (head == _hiHead && tail < _hiTail)))
            {
                Diagnostics.Parsed++;
                _markRun++;
                return;
            }
        }
        MarkText(start);
    }

    private void MarkText(ReadOnlySpan<byte> start)
    {
        long value = 0;
        if (start.IsEmpty || start.Length > 18)
        {
            Diagnostics.Parsed++;
            return;
        }
        foreach (byte b in start)
        {
            uint digit = (uint)(b - '0');
            if (digit > 9)
            {
                Diagnostics.Parsed++;
                return;
            }
            value = value * 10 + digit;
        }
        Mark(value);
    }

    /// <summary>
    /// Notes <paramref name="rows"/> parsed records whose starts all lie in [<paramref name="min"/>,
    /// <paramref name="max"/>] as that many <see cref="Mark(long)"/> calls would; false (nothing noted) unless they
    /// fall in one window or all outside the range.
    /// </summary>
    public bool TryMarkMany(long rows, long min, long max)
    {
        if (rows <= 0 || min > max)
            return false;
        if (max < _from || min >= _to)
        {
            Diagnostics.Parsed += rows;
            return true;
        }
        if (min < _from || max >= _to || (ulong)(min - _from) / (ulong)_windowSeconds
            != (ulong)(max - _from) / (ulong)_windowSeconds)
            return false;
        Diagnostics.Parsed += rows;
        if (min >= _markFrom && min < _markTo)
        {
            _markRun += rows;
            return true;
        }
        MarkSlow(min);
        _markRun += rows - 1;
        return true;
    }

    private void MarkSlow(long start)
    {
        FlushMarks();
        if (start < _from || start >= _to)
            return;
        _markFrom = _from + (start - _from) / _windowSeconds * _windowSeconds;
        _markTo = _markFrom + _windowSeconds;
        _markRun = 1;
        _textRange = _markFrom >= 1_000_000_000 && _markTo <= 9_999_999_999;
        if (_textRange)
        {
            Span<byte> digits = stackalloc byte[10];
            Utf8Formatter.TryFormat(_markFrom, digits, out _);
            _loHead = BinaryPrimitives.ReadUInt64BigEndian(digits);
            _loTail = BinaryPrimitives.ReadUInt16BigEndian(digits[8..]);
            Utf8Formatter.TryFormat(_markTo, digits, out _);
            _hiHead = BinaryPrimitives.ReadUInt64BigEndian(digits);
            _hiTail = BinaryPrimitives.ReadUInt16BigEndian(digits[8..]);
        }
    }

    /// <summary>Moves the current run of marks into the diagnostics (done before they are merged).</summary>
    public void FlushMarks()
    {
        if (_markRun > 0)
        {
            var counts = Diagnostics.RecordsByWindow;
            counts[_markFrom] = counts.GetValueOrDefault(_markFrom) + _markRun;
        }
        _markRun = 0;
        _markFrom = long.MaxValue;
        _markTo = long.MinValue;
        _textRange = false;
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
