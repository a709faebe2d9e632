using System.Text;
using FlowSpike.Alerts;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.Selection;

namespace FlowSpike.Reports;

/// <summary>
/// What an alert's window held beyond the alert itself: blocked records per destination, port and protocol.
/// </summary>
internal sealed record AlertDetail(
    IReadOnlyList<(string Value, long Count)> Destinations,
    IReadOnlyList<(string Value, long Count)> Ports,
    IReadOnlyList<(string Value, long Count)> Protocols)
{
    /// <summary>The records behind the alert: the sum over its destinations.</summary>
    public long Records => Destinations.Sum(d => d.Count);
}

/// <summary>
/// Reads the alerted windows again from the raw logs (the report's `--input`), for what the state does not keep: per
/// alert, the blocked outbound records per destination, destination port and protocol, selected exactly as detection
/// selects them (docs/spec.md §1). Columnar inputs carry no ports or protocols here; their records count as "n/a".
/// </summary>
internal static class AlertDetails
{
    public static IReadOnlyDictionary<string, AlertDetail> Collect(
        IReadOnlyList<Alert> alerts, InputOptions input, IRunLog? log = null)
    {
        var result = new Dictionary<string, AlertDetail>(StringComparer.Ordinal);
        if (alerts.Count == 0)
            return result;
        var collector = new Collector(alerts, new BlockedOutboundSelector(input.Internal));
        long from = alerts.Min(a => a.WindowStart), to = alerts.Max(a => a.WindowEnd);
        var files = InputSet.Expand(input.Inputs, from, to, input.S3, log is null ? null : log.Warn, input.Logs);
        var buffer = new byte[TextFlowReader.DefaultBufferSize];
        foreach (var file in files)
        {
            try
            {
                Read(file, input, collector, buffer);
            }
            catch (FlowInputException e) when (e.Unsupported && input.SkipUnsupported)
            {
                log?.Warn(e.Message + $" (skipped: {Setting.Name(nameof(JobSettings.SkipUnsupported))})");
            }
        }
        foreach (var target in collector.Targets)
        {
            result[target.Alert.Id] =
                new AlertDetail(Top(target.Destinations), Top(target.Ports), Top(target.Protocols));
        }
        return result;
    }

    private static void Read(InputFile file, InputOptions input, Collector collector, byte[] buffer)
    {
        using var opened = InputOpener.Open(file, input.Format);
        var handler = new Handler(collector);
        switch (opened.Format)
        {
            case InputFormat.Json:
                JsonFlowReader.Read(opened.Stream, file.Path, input.FallbackLayout, ref handler, input.Mode, buffer);
                break;
            case InputFormat.Parquet:
                ParquetFlowReader.Read(opened.Stream, file.Path, ref handler);
                break;
            default:
                TextFlowReader.Read(opened.Stream, file.Path, input.FallbackLayout, ref handler, input.Mode, buffer);
                break;
        }
    }

    private static List<(string, long)> Top(Dictionary<string, long> counts) =>
        [.. counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => (c.Key, c.Value))];

    /// <summary>IANA protocol numbers by name for the common ones; others stay numbers.</summary>
    public static string ProtocolName(ReadOnlySpan<byte> number) => number switch
    {
        [(byte)'6'] => "TCP",
        [(byte)'1', (byte)'7'] => "UDP",
        [(byte)'1'] => "ICMP",
        [(byte)'5', (byte)'8'] => "ICMPv6",
        _ => number.IsEmpty ? "n/a" : Encoding.ASCII.GetString(number),
    };

    private sealed class Target(Alert alert)
    {
        public Alert Alert { get; } = alert;
        public byte[] Src { get; } = Encoding.ASCII.GetBytes(alert.SrcIp);
        public Dictionary<string, long> Destinations { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, long> Ports { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, long> Protocols { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Collector
    {
        private readonly Dictionary<long, List<Target>> _byWindow = [];

        public Collector(IReadOnlyList<Alert> alerts, BlockedOutboundSelector selector)
        {
            Selector = selector;
            WindowSeconds = Math.Max(1, alerts[0].WindowEnd - alerts[0].WindowStart);
            foreach (var a in alerts)
            {
                var target = new Target(a);
                Targets.Add(target);
                if (!_byWindow.TryGetValue(a.WindowStart, out var list))
                    _byWindow[a.WindowStart] = list = [];
                list.Add(target);
            }
        }

        public List<Target> Targets { get; } = [];
        public BlockedOutboundSelector Selector { get; }
        public long WindowSeconds { get; }

        public void Add(long start, ReadOnlySpan<byte> src, ReadOnlySpan<byte> dst, ReadOnlySpan<byte> port,
            ReadOnlySpan<byte> protocol, bool typed)
        {
            long window = start - (((start % WindowSeconds) + WindowSeconds) % WindowSeconds);
            if (!_byWindow.TryGetValue(window, out var targets))
                return;
            foreach (var t in targets)
            {
                if (!src.SequenceEqual(t.Src) || Selector.ClassifyDestination(dst, out _) == DestinationKind.None)
                    continue;
                Count(t.Destinations, Encoding.ASCII.GetString(dst));
                Count(t.Ports, typed || port.IsEmpty ? "n/a" : Encoding.ASCII.GetString(port));
                Count(t.Protocols, typed ? "n/a" : ProtocolName(protocol));
            }
        }

        private static void Count(Dictionary<string, long> counts, string key) =>
            counts[key] = counts.GetValueOrDefault(key) + 1;
    }

    private struct Handler(Collector collector) : IRecordHandler
    {
        private int _count, _src, _dst, _start, _action, _port, _protocol;

        public void BeginSource(string source, FlowLayout layout, long firstLine) => Use(layout);

        private void Use(FlowLayout layout)
        {
            _count = layout.FieldCount;
            _src = layout.SrcAddr;
            _dst = layout.DstAddr;
            _start = layout.Start;
            _action = layout.Action;
            _port = IndexOf(layout, "dstport");
            _protocol = IndexOf(layout, "protocol");
        }

        private static int IndexOf(FlowLayout layout, string name)
        {
            for (int i = 0; i < layout.Names.Count; i++)
            {
                if (layout.Names[i] == name)
                    return i;
            }
            return -1;
        }

        public readonly void OnOverlongLine(long lineNumber)
        {
        }

        public readonly void OnMalformedRecord(string reason)
        {
        }

        public readonly int PrefilterSource(ReadOnlySpan<byte> src, out uint ipv4)
        {
            ipv4 = 0;
            return IRecordHandler.HandOver;
        }

        public readonly void OnUnselected(long? start)
        {
        }

        public readonly bool TryMarkAll(long rows, long minStart, long maxStart) => false;

        public readonly void EndMarked()
        {
        }

        public readonly int PrefilterDestination(ReadOnlySpan<byte> dst, out uint ipv4) =>
            throw new InvalidOperationException("no source passes here");

        public readonly void OnSelected(uint src, ReadOnlySpan<byte> srcText, int destinationKind, uint dst,
            ReadOnlySpan<byte> dstText, long? start, ReadOnlySpan<byte> interfaceId, ReadOnlySpan<byte> account,
            ReadOnlySpan<byte> vpc) => throw new InvalidOperationException("no source passes here");

        public readonly bool WantsDetails => false;

        public void OnLine(ReadOnlySpan<byte> line, ReadOnlySpan<int> fieldEnds, int fieldCount)
        {
            if (fieldCount != _count)
            {
                // A header inside the object (see FlowRecordHandler): the records after it use its layout.
                if (FlowLayout.LooksLikeHeader(line) && FlowLayout.TryFromHeader(line, out var layout, out _))
                    Use(layout!);
                return;
            }
            if (!BlockedOutboundSelector.IsReject(Field(line, fieldEnds, _action))
                || !EpochSeconds.TryParse(Field(line, fieldEnds, _start), out long start))
                return;
            collector.Add(start, Field(line, fieldEnds, _src), Field(line, fieldEnds, _dst),
                _port >= 0 ? Field(line, fieldEnds, _port) : default,
                _protocol >= 0 ? Field(line, fieldEnds, _protocol) : default, typed: false);
        }

        public readonly void OnRecord(bool reject, ReadOnlySpan<byte> src, ReadOnlySpan<byte> dst, long? start,
            ReadOnlySpan<byte> interfaceId, ReadOnlySpan<byte> account, ReadOnlySpan<byte> vpc)
        {
            if (reject && start is { } s)
                collector.Add(s, src, dst, default, default, typed: true);
        }

        private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> line, ReadOnlySpan<int> ends, int index)
        {
            int begin = index == 0 ? 0 : ends[index - 1] + 1;
            int end = ends[index];
            if (end == line.Length && end > begin && line[end - 1] == (byte)'\r')
                end--;
            return line[begin..end];
        }
    }
}
