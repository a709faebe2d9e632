using System.Text;
using System.Text.Json;

namespace FlowSpike.Records;

/// <summary>
/// Says what an input that yielded no flow-log record looks like, for the one-line error: a CSV, CloudWatch Logs
/// events whose message is OCSF JSON, binary data, or text whose lines have the wrong number of fields.
/// </summary>
internal static class InputSniffer
{
    private const int SampleBytes = 64 << 10;

    public static string Describe(InputFile file, FlowLayout layout, InputFormat format) =>
        Sniff(file, layout, format).Text;

    /// <summary>What the input looks like, and so why it is not read as a flow log.</summary>
    public static (SkipReason Reason, string Text) Sniff(InputFile file, FlowLayout layout, InputFormat format)
    {
        if (file.IsStdin)
            return (SkipReason.NoFlowLogLines, "no line of standard input parses as a flow-log record");
        byte[] sample;
        try
        {
            using var opened = InputOpener.Open(file, format);
            sample = new byte[SampleBytes];
            int filled = 0, n;
            while (filled < sample.Length && (n = opened.Stream.Read(sample, filled, sample.Length - filled)) > 0)
                filled += n;
            Array.Resize(ref sample, filled);
        }
        catch (Exception e) when (e is IOException or FlowInputException or UnauthorizedAccessException)
        {
            return (SkipReason.NoFlowLogLines, $"cannot be read again to say what it holds ({e.Message})");
        }
        return Sniff(sample, layout);
    }

    internal static string Describe(ReadOnlySpan<byte> sample, FlowLayout layout) => Sniff(sample, layout).Text;

    internal static (SkipReason Reason, string Text) Sniff(ReadOnlySpan<byte> sample, FlowLayout layout)
    {
        string fields = $"the {layout.FieldCount} space-separated fields of " +
            (ReferenceEquals(layout, FlowLayout.Default) ? "the default format" : "its layout");
        if (sample.Trim(" \t\r\n"u8).IsEmpty)
            return (SkipReason.NoFlowLogLines, "it is empty");
        if (sample.IndexOf((byte)0) >= 0)
            return (SkipReason.OtherFormat, "it looks like binary data, not flow logs");
        var trimmed = sample.TrimStart(" \t\r\n"u8);
        if (trimmed[0] is (byte)'{' or (byte)'[')
            return DescribeJson(trimmed, fields);
        string text = Encoding.UTF8.GetString(sample[TextFlowReader.BomLength(sample)..]);
        var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Take(2).ToList();
        string first = lines.Count > 0 ? lines[0] : "";
        if (lines.Count == 1 && FlowLayout.TryFromHeader(Encoding.UTF8.GetBytes(first), out _, out _))
            return (SkipReason.NoFlowLogLines, "it holds only a header line, no records");
        if (first.Split(',').Length >= 3)
        {
            return (SkipReason.OtherFormat,
                $"it looks like a CSV (comma-separated values), not flow-log lines; no line has {fields}");
        }
        int count = first.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;
        return (SkipReason.NoFlowLogLines, $"no line has {fields} (the first line has {count})");
    }

    private static (SkipReason, string) DescribeJson(ReadOnlySpan<byte> json, string fields)
    {
        string? message = FirstMessage(json);
        bool ocsf = json.IndexOf("\"class_uid\""u8) >= 0;
        if (message is null)
        {
            return (SkipReason.OtherFormat, ocsf
                ? "it looks like OCSF JSON, not VPC flow logs (FlowSpike reads OCSF from Security Lake's Parquet files)"
                : "it looks like JSON with no CloudWatch Logs \"message\" field holding flow-log lines");
        }
        string m = message.TrimStart();
        if (m.StartsWith('{'))
        {
            return (SkipReason.OtherFormat, m.Contains("\"class_uid\"", StringComparison.Ordinal)
                ? "it looks like CloudWatch Logs events whose message is OCSF JSON, not a flow-log line"
                : "it looks like CloudWatch Logs events whose message is JSON, not a flow-log line");
        }
        int count = m.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;
        return (SkipReason.NoFlowLogLines,
            $"it looks like CloudWatch Logs events whose messages do not have {fields} (the first has {count})");
    }

    private static string? FirstMessage(ReadOnlySpan<byte> json)
    {
        var options = new JsonReaderOptions { AllowMultipleValues = true };
        var reader = new Utf8JsonReader(json, isFinalBlock: false, new JsonReaderState(options));
        try
        {
            while (reader.Read())
            {
                bool message = reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("message"u8);
                if (message && reader.Read() && reader.TokenType == JsonTokenType.String)
                    return reader.GetString();
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }
}
