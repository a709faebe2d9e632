using System.Buffers.Binary;
using System.Buffers.Text;
using FlowSpike.Records;

namespace FlowSpike.Aggregation;

/// <summary>The per-window record counts of <see cref="ScanAccumulator"/>: which windows hold records at all.
/// </summary>
internal sealed partial class ScanAccumulator
{
    // The window the last parsed record fell in, and how many records in a row did: most records of a file share a
    // window, so marking presence costs a range test per record.
    private long _markFrom = long.MaxValue, _markTo = long.MinValue, _markRun;
    private ulong _markIndex;
    // The window of the last start that missed the run's window (dense counts only; see MarkDense).
    private ulong _missIndex = ulong.MaxValue;
    // The same window's bounds as ten ASCII digits (big-endian head and tail), when both have ten digits.
    private ulong _loHead, _hiHead;
    private uint _loTail, _hiTail;
    private bool _textRange;
    // When the range has few windows: their record counts in an array, and every window bound as ten digits, so a
    // record outside the current window (starts out of order) costs an array add, not a dictionary and formatting.
    private readonly long[]? _dense;
    private readonly ulong[]? _boundHeads;
    private readonly uint[]? _boundTails;
    private const int DenseWindows = 16_384;

    private static (long[]?, ulong[]?, uint[]?) DenseMarks(long from, long to, long windowSeconds)
    {
        long span = to - from;
        if (windowSeconds <= 0 || to == long.MaxValue || span <= 0 || span / windowSeconds >= DenseWindows)
            return (null, null, null);
        int windows = (int)((span + windowSeconds - 1) / windowSeconds);
        if (from < 1_000_000_000 || from + ((long)windows * windowSeconds) > 9_999_999_999)
            return (new long[windows], null, null);
        var heads = new ulong[windows + 1];
        var tails = new uint[windows + 1];
        Span<byte> digits = stackalloc byte[10];
        for (int w = 0; w <= windows; w++)
        {
            Utf8Formatter.TryFormat(from + ((long)w * windowSeconds), digits, out _);
            heads[w] = BinaryPrimitives.ReadUInt64BigEndian(digits);
            tails[w] = BinaryPrimitives.ReadUInt16BigEndian(digits[8..]);
        }
        return (new long[windows], heads, tails);
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

    // Read once, as Ipv4 and EpochSeconds do: the switch is set before the first scan, and this runs per record.
    private static readonly bool UseBranchLight = LineTokenizer.BranchLight;

    private void MarkText(ReadOnlySpan<byte> start)
    {
        if (UseBranchLight && EpochSeconds.TryParseTenDigits(start, out long ten))
        {
            if (_dense is { } dense && ten >= _from && ten < _to)
                MarkDense(dense, ten);
            else
                Mark(ten);
            return;
        }
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

    /// <summary>
    /// A start in range but outside the run's window, counted straight into its window. The run moves there only
    /// when two such starts in a row share a window (a file moving on to the next hour): starts out of order then
    /// cost a multiply and an add each, not a flush and a reload of the run's bounds.
    /// </summary>
    private void MarkDense(long[] dense, long start)
    {
        Diagnostics.Parsed++;
        ulong index = WindowOf(start);
        if (index != _missIndex)
        {
            _missIndex = index;
            dense[index]++;
            return;
        }
        MarkSlow(start);
    }

    private void MarkSlow(long start)
    {
        FlushRun();
        if (start < _from || start >= _to)
            return;
        // Starts out of order make this a per-record path: a multiply, not a division (WindowOf).
        ulong index = WindowOf(start);
        _markIndex = index;
        _markFrom = _from + ((long)index * _windowSeconds);
        _markTo = _markFrom + _windowSeconds;
        _markRun = 1;
        if (_boundHeads is { } heads && _boundTails is { } tails)
        {
            _textRange = true;
            _loHead = heads[index];
            _loTail = tails[index];
            _hiHead = heads[index + 1];
            _hiTail = tails[index + 1];
            return;
        }
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
        FlushRun();
        if (_dense is not { } dense)
            return;
        var counts = Diagnostics.RecordsByWindow;
        for (int w = 0; w < dense.Length; w++)
        {
            if (dense[w] == 0)
                continue;
            long key = _from + w * _windowSeconds;
            counts[key] = counts.GetValueOrDefault(key) + dense[w];
            dense[w] = 0;
        }
    }

    private void FlushRun()
    {
        if (_markRun > 0)
        {
            if (_dense is { } dense)
            {
                dense[_markIndex] += _markRun;
            }
            else
            {
                var counts = Diagnostics.RecordsByWindow;
                counts[_markFrom] = counts.GetValueOrDefault(_markFrom) + _markRun;
            }
        }
        _markRun = 0;
        _missIndex = ulong.MaxValue;
        _markFrom = long.MaxValue;
        _markTo = long.MinValue;
        _textRange = false;
    }
}
