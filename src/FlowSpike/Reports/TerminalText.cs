using System.Text;

namespace FlowSpike.Reports;

/// <summary>
/// Text for a terminal that came from the data (host names, destinations, interface ids): escape sequences (CSI, OSC
/// and the like) are removed and other control characters shown as '?', so a crafted flow log cannot move the cursor,
/// retitle the window or hide lines when an analyst runs explain.
/// </summary>
internal static class TerminalText
{
    public static string Strip(string text)
    {
        var span = text.AsSpan();
        if (!span.ContainsAnyInRange('\u0000', '\u001f') && !span.ContainsAnyInRange('\u007f', '\u009f'))
            return text;
        var b = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n')
            {
                b.Append(c);
            }
            else if (c == '\u001b' || c == '\u009b' || c == '\u009d')
            {
                i = SkipSequence(text, i);
            }
            else if (c < ' ' || c is >= '\u007f' and <= '\u009f')
            {
                b.Append('?');
            }
            else
            {
                b.Append(c);
            }
        }
        return b.ToString();
    }

    /// <summary>The index of the last character of the escape sequence starting at <paramref name="start"/>.</summary>
    private static int SkipSequence(string text, int start)
    {
        char c = text[start];
        int i = start + 1;
        bool csi = c == '\u009b', osc = c == '\u009d';
        if (c == '\u001b')
        {
            if (i >= text.Length)
                return start;
            char kind = text[i++];
            csi = kind == '[';
            osc = kind is ']' or 'P' or '_' or '^' or 'X';
            if (!csi && !osc)
                return i - 1; // a two-character escape such as ESC c
        }
        for (; i < text.Length; i++)
        {
            char x = text[i];
            if (csi && x is >= '@' and <= '~')
                return i;
            // OSC and the string commands end at BEL or ST (ESC \); a newline ends a broken one.
            if (osc && (x == '\u0007' || x == '\u009c'))
                return i;
            if (osc && x == '\u001b' && i + 1 < text.Length && text[i + 1] == '\\')
                return i + 1;
            if (x == '\n')
                return i - 1;
        }
        return text.Length - 1;
    }
}
