using System.Text;

namespace FlowSpike.Tests.Support;

/// <summary>Builds small flow log files by hand, in the default v2 layout.</summary>
public sealed class FlowLines
{
    public const string Header =
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action "
        + "log-status";
    private readonly StringBuilder _text = new();

    public FlowLines(bool header = true)
    {
        if (header)
            _text.Append(Header).Append('\n');
    }

    public FlowLines Add(long start, string src, string dst, string action = "REJECT",
        string iface = "eni-0a1b2c3d4e5f60001", int count = 1, string account = "123456789012")
    {
        for (int i = 0; i < count; i++)
            _text.Append(
                $"2 {account} {iface} {src} {dst} {40000 + i % 20000} 443 6 1 40 {start + i % 60} {start + i % 60 + 5} "
                + $"{action} OK\n");
        return this;
    }

    public FlowLines Raw(string line)
    {
        _text.Append(line).Append('\n');
        return this;
    }

    public override string ToString() => _text.ToString();
}
