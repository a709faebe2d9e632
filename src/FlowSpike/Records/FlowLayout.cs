using System.Text;

namespace FlowSpike.Records;

/// <summary>
/// Where each needed field sits in a space-separated record: from an S3 header line, an AWS format string, or the
/// default.
/// </summary>
internal sealed class FlowLayout
{
    private const string TransitGateway = "this is a Transit Gateway flow log (it has tgw-id fields), not a VPC flow "
        + "log; it has no action field to tell blocked traffic";

    private FlowLayout(IReadOnlyList<string> names)
    {
        Names = names;
        var index = new Dictionary<FlowField, int>();
        for (int i = 0; i < names.Count; i++)
        {
            if (FlowFieldNames.ToField(names[i]) is { } f)
                index.TryAdd(f, i);
        }
        SrcAddr = index.GetValueOrDefault(FlowField.SrcAddr, -1);
        DstAddr = index.GetValueOrDefault(FlowField.DstAddr, -1);
        Start = index.GetValueOrDefault(FlowField.Start, -1);
        Action = index.GetValueOrDefault(FlowField.Action, -1);
        InterfaceId = index.GetValueOrDefault(FlowField.InterfaceId, -1);
        AccountId = index.GetValueOrDefault(FlowField.AccountId, -1);
        VpcId = index.GetValueOrDefault(FlowField.VpcId, -1);
        ResourceId = index.GetValueOrDefault(FlowField.ResourceId, -1);
    }

    public IReadOnlyList<string> Names { get; }
    public int FieldCount => Names.Count;
    public int SrcAddr { get; }
    public int DstAddr { get; }
    public int Start { get; }
    public int Action { get; }
    public int InterfaceId { get; }
    public int AccountId { get; }
    public int VpcId { get; }
    public int ResourceId { get; }

    public static FlowLayout Default { get; } = new(FlowFieldNames.DefaultFormat.Split(' '));

    /// <summary>
    /// A header line is made only of field-name tokens (lowercase letters, digits, '-') and names srcaddr.
    /// </summary>
    public static bool LooksLikeHeader(ReadOnlySpan<byte> line)
    {
        line = TrimEnd(line);
        if (line.IsEmpty || line.IndexOf("srcaddr"u8) < 0)
            return false;
        foreach (byte b in line)
        {
            if (!(b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)' ' or (byte)'_'))
                return false;
        }
        return true;
    }

    /// <summary>
    /// The layout a file's first line declares, or null when it is no header; an unusable header is an error naming the
    /// file.
    /// </summary>
    public static FlowLayout? FromFirstLine(ReadOnlySpan<byte> line, string source)
    {
        if (!LooksLikeHeader(line))
            return null;
        // Thousands of small files repeat one header: a thread builds its layout once (a layout is immutable).
        if (t_lastLayout is { } last && line.SequenceEqual(t_lastHeader))
            return last;
        if (TryFromHeader(line, out var layout, out string? error))
        {
            t_lastHeader = line.ToArray();
            t_lastLayout = layout;
            return layout;
        }
        throw new FlowInputException($"{source}: line 1: unusable header: {error}", unsupported: true,
            reason: error == TransitGateway ? SkipReason.UnsupportedLogType : SkipReason.OtherFormat);
    }

    [ThreadStatic]
    private static byte[]? t_lastHeader;

    [ThreadStatic]
    private static FlowLayout? t_lastLayout;

    /// <summary>Builds the layout of a header line; the error says what makes it unusable.</summary>
    public static bool TryFromHeader(ReadOnlySpan<byte> line, out FlowLayout? layout, out string? error)
    {
        string text = Encoding.ASCII.GetString(TrimEnd(line));
        return TryFromNames(text.Split(' ', StringSplitOptions.RemoveEmptyEntries), out layout, out error);
    }

    /// <summary>
    /// Parses AWS's format-string syntax, `${version} ${account-id} ...`. Plain space-separated names are accepted too.
    /// </summary>
    public static bool TryFromFormatString(string format, out FlowLayout? layout, out string? error)
    {
        var names = new List<string>();
        foreach (string token in format.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string t = token;
            if (t.StartsWith("${", StringComparison.Ordinal) && t.EndsWith('}'))
                t = t[2..^1];
            else if (t.Contains('$') || t.Contains('{') || t.Contains('}'))
            {
                layout = null;
                error = $"log format token '{token}' is not of the form ${{field-name}}";
                return false;
            }
            if (!FlowFieldNames.IsKnown(t))
            {
                layout = null;
                error = $"log format names an unknown field '{t}'";
                return false;
            }
            names.Add(t);
        }
        return TryFromNames(names, out layout, out error);
    }

    private static bool TryFromNames(IReadOnlyList<string> names, out FlowLayout? layout, out string? error)
    {
        layout = null;
        if (names.Contains("tgw-id") || names.Contains("tgw-attachment-id"))
        {
            error = TransitGateway;
            return false;
        }
        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            error = $"field '{duplicate.Key}' appears twice";
            return false;
        }
        var missing = new[] { "srcaddr", "dstaddr", "start", "action" }.Where(n => !names.Contains(n)).ToList();
        if (missing.Count > 0)
        {
            error = $"the layout lacks required field(s) {string.Join(", ", missing)}";
            return false;
        }
        if (names.Count > MaxFields)
        {
            error = $"the layout has {names.Count} fields; at most {MaxFields} are supported";
            return false;
        }
        layout = new FlowLayout(names);
        error = null;
        return true;
    }

    /// <summary>More fields than AWS defines would not be a flow log.</summary>
    public const int MaxFields = 64;

    public override string ToString() => string.Join(' ', Names);

    private static ReadOnlySpan<byte> TrimEnd(ReadOnlySpan<byte> line)
    {
        while (!line.IsEmpty && line[^1] is (byte)'\r' or (byte)'\n' or (byte)' ')
            line = line[..^1];
        return line;
    }
}
