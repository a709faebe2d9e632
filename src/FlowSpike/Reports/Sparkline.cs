using System.Text;

namespace FlowSpike.Reports;

/// <summary>Counts as a one-line chart of block characters, and a marker line under it where a threshold was
/// crossed.</summary>
internal static class Sparkline
{
    private const string Bars = "▁▂▃▄▅▆▇█";

    public static string Render(IReadOnlyList<long> values, long? max = null)
    {
        long top = Math.Max(1, max ?? (values.Count == 0 ? 1 : values.Max()));
        var sb = new StringBuilder(values.Count);
        foreach (long v in values)
            sb.Append(v <= 0 ? ' ' : Bars[(int)Math.Min(Bars.Length - 1, (v * Bars.Length - 1) / top)]);
        return sb.ToString();
    }

    public static string Markers(IReadOnlyList<bool> marked, char mark = '^')
    {
        var sb = new StringBuilder(marked.Count);
        foreach (bool m in marked)
            sb.Append(m ? mark : ' ');
        return sb.ToString();
    }
}
