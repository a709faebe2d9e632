using System.Runtime.CompilerServices;
using FlowSpike.Records;
using FlowSpike.Selection;
using static FlowSpike.Aggregation.LineFields;

namespace FlowSpike.Aggregation;

/// <summary>
/// The hot path after tokenizing: select blocked outbound records (docs/spec.md §1) and count them per (window,
/// source).
/// A struct so the tokenizer's loop is specialised and inlined for it.
/// </summary>
internal partial struct FlowRecordHandler(
    ScanAccumulator accumulator, BlockedOutboundSelector selector, long from, long to, int segment = 0) : IRecordHandler
{
    private string _source = "";
    private long _line;
    private bool _marked;
    private int _fieldCount;
    private int _src, _dst, _start, _action, _iface, _account, _vpc, _resource;

    public void BeginSource(string source, FlowLayout layout, long firstLine)
    {
        _source = source;
        _line = firstLine - 1;
        _marked = false;
        UseLayout(layout);
    }

    /// <summary>
    /// True once a header line inside the source changed the layout (see <see cref="TryFollowHeader"/>).
    /// </summary>
    public bool LayoutChanged { get; private set; }

    private void UseLayout(FlowLayout layout)
    {
        _fieldCount = layout.FieldCount;
        _src = layout.SrcAddr;
        _dst = layout.DstAddr;
        _start = layout.Start;
        _action = layout.Action;
        _iface = layout.InterfaceId;
        _account = layout.AccountId;
        _vpc = layout.VpcId;
        _resource = layout.ResourceId;
    }

    /// <summary>The number of the last line seen (header included).</summary>
    public readonly long LastLine => _line;

    public void OnOverlongLine(long lineNumber)
    {
        _line = lineNumber;
        accumulator.Diagnostics.Lines++;
        accumulator.Diagnostics.AddMalformed(
            _source, segment, lineNumber, "line too long (no newline within the read buffer); skipped");
    }

    public void OnLine(ReadOnlySpan<byte> line, ReadOnlySpan<int> fieldEnds, int fieldCount)
    {
        _line++;
        accumulator.Diagnostics.Lines++;
        if (fieldCount != _fieldCount)
        {
            OnIrregularLine(line);
            return;
        }
        // A header line with as many fields as the layout names a field where the action is: check it only then.
        var action = Field(line, fieldEnds, _action);
        if (action.Length > 0 && action[0] is >= (byte)'a' and <= (byte)'z' && TryFollowHeader(line))
            return;
        Take(line, fieldEnds, action);
    }

    /// <summary>A line whose field count is not the layout's: off the fast path (and out of its stack frame),
    /// tolerate runs of spaces or tabs between fields, as a whitespace split would.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnIrregularLine(ReadOnlySpan<byte> line)
    {
        var scratch = accumulator.Scratch(line.Length);
        Span<int> ends = stackalloc int[FlowLayout.MaxFields];
        int count = Normalize(line, scratch, ends, out int length);
        if (count == 0)
            return; // blank line
        if (count != _fieldCount)
        {
            if (TryFollowHeader(line))
                return;
            accumulator.Diagnostics.AddMalformed(
                _source, segment, _line, $"expected {_fieldCount} fields, found {count}");
            return;
        }
        var normalized = scratch.AsSpan(0, length);
        Take(normalized, ends[..count], Field(normalized, ends[..count], _action));
    }

    /// <summary>A line of the layout's width: a record (marked; selected when REJECT), or malformed when its action
    /// is no flow-log action.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Take(ReadOnlySpan<byte> line, ReadOnlySpan<int> fieldEnds, ReadOnlySpan<byte> action)
    {
        bool reject = BlockedOutboundSelector.IsReject(action);
        if (!reject && RefusedAction(action))
            return;
        accumulator.Mark(_start >= 0 ? Field(line, fieldEnds, _start) : default);
        if (reject)
            Process(line, fieldEnds);
    }

    /// <summary>A line whose action field holds no flow-log action is malformed, not a record that is not
    /// counted (called for lines that are not REJECT).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly bool RefusedAction(ReadOnlySpan<byte> action) =>
        !BlockedOutboundSelector.IsFlowAction(action) && Refuse(action);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly bool Refuse(ReadOnlySpan<byte> action)
    {
        var shown = action[..Math.Min(action.Length, 24)];
        accumulator.Diagnostics.AddMalformed(_source, segment, _line,
            $"action '{System.Text.Encoding.UTF8.GetString(shown)}' is not ACCEPT, REJECT or -");
        return true;
    }

    /// <summary>
    /// A header line inside a source (a new flow log took over the same object, say after an org-wide rule replaced
    /// the old one): the records after it are read in its layout. False for any other line.
    /// </summary>
    private bool TryFollowHeader(ReadOnlySpan<byte> line)
    {
        if (!FlowLayout.LooksLikeHeader(line))
            return false;
        if (!FlowLayout.TryFromHeader(line, out var layout, out string? error))
        {
            accumulator.Diagnostics.AddMalformed(_source, segment, _line, $"unusable header: {error}");
            return true;
        }
        UseLayout(layout!);
        LayoutChanged = true;
        return true;
    }

    /// <summary>A REJECT record: checked, then selected. Not inlined: its locals would widen the frame (zeroed on
    /// every call) of <see cref="OnLine"/>, which most lines leave after the action test.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Process(ReadOnlySpan<byte> line, ReadOnlySpan<int> fieldEnds)
    {
        if (HasEmptyField(line, fieldEnds))
        {
            EmptyField();
            return;
        }
        // start stays text until the record passes the address tests: most REJECTs are inbound and never need it.
        var iface = _iface >= 0 ? Field(line, fieldEnds, _iface) : default;
        // A regional NAT gateway's records have interface-id '-': the resource is in resource-id.
        if (_resource >= 0 && iface.Length == 1 && iface[0] == (byte)'-')
            iface = Field(line, fieldEnds, _resource);
        Select(Field(line, fieldEnds, _src), Field(line, fieldEnds, _dst), Field(line, fieldEnds, _start), null,
            iface, _account >= 0 ? Field(line, fieldEnds, _account) : default,
            _vpc >= 0 ? Field(line, fieldEnds, _vpc) : default,
            line: line, srcAt: Begin(fieldEnds, _src), dstAt: Begin(fieldEnds, _dst));
    }

    /// <summary>A doubled or trailing blank: split on blank runs, this line has fewer fields than the layout.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void EmptyField() => accumulator.Diagnostics.AddMalformed(
        _source, segment, _line, $"expected {_fieldCount} fields, found fewer (empty field)");

    public void OnMalformedRecord(string reason)
    {
        _line++;
        accumulator.Diagnostics.Lines++;
        accumulator.Diagnostics.AddMalformed(_source, segment, _line, reason);
    }

    public void OnRecord(
        bool reject, ReadOnlySpan<byte> src, ReadOnlySpan<byte> dst, long? start, ReadOnlySpan<byte> interfaceId,
        ReadOnlySpan<byte> account, ReadOnlySpan<byte> vpc)
    {
        Date(start);
        if (reject)
            Select(src, dst, default, start, interfaceId, account, vpc, typed: true);
    }

    /// <summary>Select's first test: a valid IPv4 source outside the internal networks returns without a trace.
    /// </summary>
    public readonly int PrefilterSource(ReadOnlySpan<byte> src, out uint ipv4) =>
        !Ipv4.TryParse(src, out ipv4) ? IRecordHandler.HandOver
        : selector.Internal.Contains(ipv4) ? IRecordHandler.SourcePasses
        : IRecordHandler.SkipRecord;

    /// <summary>Select's second test: a destination of kind None returns without a trace.</summary>
    public readonly int PrefilterDestination(ReadOnlySpan<byte> dst, out uint ipv4) =>
        (int)selector.ClassifyDestination(dst, out ipv4);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnUnselected(long? start) => Date(start);

    /// <summary>Numbers a columnar record and, unless <see cref="TryMarkAll"/> dated it already, dates it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Date(long? start)
    {
        _line++;
        if (_marked)
            return;
        accumulator.Diagnostics.Lines++;
        if (start is { } s)
            accumulator.Mark(s);
        else
            accumulator.Diagnostics.Parsed++;
    }

    public bool TryMarkAll(long rows, long minStart, long maxStart)
    {
        if (!accumulator.TryMarkMany(rows, minStart, maxStart))
            return false;
        accumulator.Diagnostics.Lines += rows;
        _marked = true;
        return true;
    }

    public void EndMarked() => _marked = false;

    public void OnSelected(uint src, ReadOnlySpan<byte> srcText, int destinationKind, uint dst,
        ReadOnlySpan<byte> dstText, long? start, ReadOnlySpan<byte> interfaceId, ReadOnlySpan<byte> account,
        ReadOnlySpan<byte> vpc)
    {
        Date(start);
        Count(src, 0, srcText, (DestinationKind)destinationKind, dst, dstText, default, start, interfaceId, account,
            vpc, typed: true);
    }

    public readonly bool WantsDetails => accumulator.KeepDetails || accumulator.Entities is { IsIpv4Keyed: false };

    /// <summary>docs/spec.md §1 on a REJECT record, then the count per (window, source).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Select(
        ReadOnlySpan<byte> srcText, ReadOnlySpan<byte> dstText, ReadOnlySpan<byte> startText, long? startValue,
        ReadOnlySpan<byte> interfaceId, ReadOnlySpan<byte> account, ReadOnlySpan<byte> vpc, bool typed = false,
        ReadOnlySpan<byte> line = default, int srcAt = 0, int dstAt = 0)
    {
        var diagnostics = accumulator.Diagnostics;
        UInt128 src6 = 0;
        // A text record's addresses are parsed in place in its line (see Ipv4.TryParseField).
        uint src;
        bool v4 = line.IsEmpty
            ? Ipv4.TryParse(srcText, out src)
            : Ipv4.TryParseField(line, srcAt, srcText.Length, out src);
        if (!v4)
        {
            // NODATA/SKIPDATA write '-', IPv6 sources are never internal by default: neither is malformed.
            bool colon = srcText.IndexOf((byte)':') >= 0;
            if (!srcText.IsEmpty && !(srcText.Length == 1 && srcText[0] == (byte)'-') && !colon)
                diagnostics.AddMalformed(_source, segment, _line, "srcaddr is not an IP address");
            // Beyond the ESCU search: IPv6 sources inside IPv6 internal networks count.
            if (!colon || !selector.Internal.HasIpv6 || accumulator.Entities is null)
                return;
            if (!Ipv6.TryParse(srcText, out src6))
            {
                diagnostics.AddMalformed(_source, segment, _line, "srcaddr is not an IP address");
                return;
            }
            if (!selector.Internal.Contains(src6))
                return;
        }
        else if (!selector.Internal.Contains(src))
        {
            return;
        }
        uint dst;
        var kind = line.IsEmpty
            ? selector.ClassifyDestination(dstText, out dst)
            : selector.ClassifyDestination(line, dstAt, dstText.Length, out dst);
        if (kind == DestinationKind.None)
            return;
        Count(src, src6, srcText, kind, dst, dstText, startText, startValue, interfaceId, account, vpc, typed);
    }

    /// <summary>Select after the address tests: the start, the range, the entity, the count and the details.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Count(
        uint src, UInt128 src6, ReadOnlySpan<byte> srcText, DestinationKind kind, uint dst, ReadOnlySpan<byte> dstText,
        ReadOnlySpan<byte> startText, long? startValue, ReadOnlySpan<byte> interfaceId, ReadOnlySpan<byte> account,
        ReadOnlySpan<byte> vpc, bool typed)
    {
        var diagnostics = accumulator.Diagnostics;
        // The start is typed (columnar readers) or still text (text readers), parsed only now that it is needed.
        long start;
        bool hasStart;
        if (typed)
        {
            hasStart = startValue.HasValue;
            start = startValue.GetValueOrDefault();
        }
        else
        {
            hasStart = EpochSeconds.TryParse(startText, out start);
        }
        if (!hasStart)
        {
            diagnostics.AddMalformed(_source, segment, _line, "start is not an integer (epoch seconds)");
            return;
        }
        if (diagnostics.MaxStart is not { } max || start > max)
            diagnostics.MaxStart = start;
        if (start < from || start >= to)
        {
            diagnostics.OutOfRange++;
            if (start < from)
                diagnostics.Early++;
            return;
        }
        uint key = src;
        if (accumulator.Entities is { IsIpv4Keyed: false } || src6 != 0)
        {
            if (!TryEntityKey(srcText, src6, interfaceId, account, vpc, out key))
            {
                diagnostics.AddMalformed(
                    _source, segment, _line, "no interface-id to key the record by (entity keying: interface)");
                return;
            }
        }
        diagnostics.Counted++;
        int entry = accumulator.Add(start, key);
        if (accumulator.KeepDetails)
        {
            accumulator.AddDestination(entry, kind, dst, dstText);
            if (!interfaceId.IsEmpty)
                accumulator.AddInterface(entry, interfaceId);
            if (!account.IsEmpty && !(account.Length == 1 && account[0] == (byte)'-'))
                accumulator.AddAccount(entry, account);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Begin(ReadOnlySpan<int> ends, int index) => index == 0 ? 0 : ends[index - 1] + 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> line, ReadOnlySpan<int> ends, int index)
    {
        int begin = index == 0 ? 0 : ends[index - 1] + 1;
        int end = ends[index];
        // The last field may carry the '\r' of a CRLF line.
        if (end == line.Length && end > begin && line[end - 1] == (byte)'\r')
            end--;
        return line[begin..end];
    }
}
