using System.Text;

namespace FlowSpike.Queue;

/// <summary>
/// S3 notifications carry keys URL-encoded as in a form (a space as '+', '=' as %3D, and some senders '/' as %2F).
/// A key is decoded once: '+' to a space and every %XX to its byte, the bytes read as UTF-8.
/// </summary>
internal static class ObjectKey
{
    public static string Decode(string encoded)
    {
        if (encoded.IndexOfAny(['+', '%']) < 0)
            return encoded;
        var bytes = new List<byte>(encoded.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < encoded.Length; i++)
        {
            char c = encoded[i];
            if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (c == '%' && i + 2 < encoded.Length && IsHex(encoded[i + 1]) && IsHex(encoded[i + 2]))
            {
                bytes.Add((byte)((Hex(encoded[i + 1]) << 4) | Hex(encoded[i + 2])));
                i += 2;
            }
            else if (char.IsSurrogatePair(encoded, i))
            {
                int n = Encoding.UTF8.GetBytes(encoded.AsSpan(i, 2), utf8);
                for (int k = 0; k < n; k++)
                    bytes.Add(utf8[k]);
                i++;
            }
            else
            {
                int n = Encoding.UTF8.GetBytes(encoded.AsSpan(i, 1), utf8);
                for (int k = 0; k < n; k++)
                    bytes.Add(utf8[k]);
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int Hex(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
