using System.Buffers.Binary;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using FlowSpike.Selection;

namespace FlowSpike.Aggregation;

/// <summary>
/// One thread's counts per (window, source), keyed by a single 64-bit integer, plus the details alerts need.
/// Turned into a <see cref="WindowPartial"/> once the thread is done.
/// </summary>
internal sealed class ScanAccumulator(long from, long windowSeconds, bool keepDetails, EntityRegistry? entities = null,
    long to = long.MaxValue)
{
    // The window the last parsed record fell in, and how many records in a row did: most records of a file share a
    // window, so marking presence costs a range test per record.
    private long _markFrom = long.MaxValue, _markTo = long.MinValue, _markRun;
    // The same window's bounds as ten ASCII digits (big-endian head and tail), when both have ten digits.
    private ulong _loHead, _hiHead;
    private uint _loTail, _hiTail;
    private bool _textRange;

    private readonly ByteStringTable _entityNames = new();
    private readonly List<uint> _entityKeys = [];
    private readonly Dictionary<ulong, int> _index = [];
    private readonly List<long> _counts = [];
    private readonly List<ulong> _keys = [];
    private readonly HashSet<(int Entry, ulong Destination)> _destinations = [];
    private readonly HashSet<(int Entry, int Interface)> _interfaces = [];
    private readonly ByteStringTable _interfaceNames = new();
    private readonly ByteStringTable _ipv6Names = new();
    private readonly HashSet<(int Entry, int Account)> _accounts = [];
    private readonly ByteStringTable _accountNames = new();

    private byte[] _scratch = [];

    public ScanDiagnostics Diagnostics { get; } = new();

    /// <summary>A reusable buffer for re-splitting an irregular line.</summary>
    public byte[] Scratch(int length)
    {
        if (_scratch.Length < length)
            _scratch = new byte[Math.Max(length, 256)];
        return _scratch;
    }

    public bool KeepDetails => keepDetails;

    public EntityRegistry? Entities => entities;

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
        uint key = entities!.GetOrAdd(name);
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

    private void MarkSlow(long start)
    {
        FlushMarks();
        if (start < from || start >= to)
            return;
        _markFrom = from + (start - from) / windowSeconds * windowSeconds;
        _markTo = _markFrom + windowSeconds;
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

    /// <summary>Counts one record; returns the entry so details can be attached.</summary>
    public int Add(long start, uint src)
    {
        // src is an IPv4 address or, beyond the seed's keying, an entity key.
        ulong window = (ulong)((start - from) / windowSeconds);
        ulong key = (window << 32) | src;
        ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_index, key, out bool exists);
        if (!exists)
        {
            slot = _counts.Count;
            _counts.Add(0);
            _keys.Add(key);
        }
        CollectionsMarshal.AsSpan(_counts)[slot]++;
        return slot;
    }

    public void AddDestination(int entry, DestinationKind kind, uint ipv4, ReadOnlySpan<byte> text)
    {
        ulong dst = kind == DestinationKind.Ipv4 ? ipv4 : (1UL << 32) | (uint)_ipv6Names.GetOrAdd(text);
        _destinations.Add((entry, dst));
    }

    public void AddInterface(int entry, ReadOnlySpan<byte> interfaceId) =>
        _interfaces.Add((entry, _interfaceNames.GetOrAdd(interfaceId)));

    public void AddAccount(int entry, ReadOnlySpan<byte> account) =>
        _accounts.Add((entry, _accountNames.GetOrAdd(account)));

    public WindowPartial ToPartial()
    {
        var partial = new WindowPartial(windowSeconds);
        var stats = new SourceWindowStats[_counts.Count];
        for (int i = 0; i < stats.Length; i++)
        {
            ulong key = _keys[i];
            long windowStart = from + (long)(key >> 32) * windowSeconds;
            var s = new SourceWindowStats { Count = _counts[i] };
            if (keepDetails)
            {
                s.Destinations = new HashSet<string>(StringComparer.Ordinal);
                s.Interfaces = new HashSet<string>(StringComparer.Ordinal);
                s.Accounts = new HashSet<string>(StringComparer.Ordinal);
            }
            stats[i] = s;
            partial.GetWindow(windowStart)[(uint)key] = s;
        }
        var v4Names = new Dictionary<uint, string>();
        foreach (var (entry, dst) in _destinations)
        {
            string name;
            if (dst >> 32 == 0)
            {
                if (!v4Names.TryGetValue((uint)dst, out name!))
                    v4Names[(uint)dst] = name = Ipv4.Format((uint)dst);
            }
            else
            {
                name = _ipv6Names.GetString((int)(uint)dst);
            }
            stats[entry].Destinations!.Add(name);
        }
        foreach (var (entry, iface) in _interfaces)
            stats[entry].Interfaces!.Add(_interfaceNames.GetString(iface));
        foreach (var (entry, account) in _accounts)
            stats[entry].Accounts!.Add(_accountNames.GetString(account));
        return partial;
    }
}
