namespace FlowSpike.Selection;

/// <summary>IPv4 text to and from a host-order <see cref="uint"/>, on bytes.</summary>
public static class Ipv4
{
    /// <summary>Parses exactly four dot-separated decimal octets (0..255, 1 to 3 digits each).</summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out uint value)
    {
        value = 0;
        if (s.Length is < 7 or > 15)
            return false;
        uint result = 0;
        int i = 0;
        for (int octet = 0; octet < 4; octet++)
        {
            if (octet > 0)
            {
                if (i >= s.Length || s[i] != (byte)'.')
                    return false;
                i++;
            }
            int start = i;
            uint part = 0;
            while (i < s.Length && i - start < 4)
            {
                uint d = (uint)(s[i] - '0');
                if (d > 9)
                    break;
                part = part * 10 + d;
                i++;
            }
            int digits = i - start;
            // Leading zeros are refused, as inet_pton does: "010" would be octal to some parsers.
            if (digits is 0 or > 3 || part > 255 || (digits > 1 && s[start] == (byte)'0'))
                return false;
            result = (result << 8) | part;
        }
        if (i != s.Length)
            return false;
        value = result;
        return true;
    }

    public static bool TryParse(string s, out uint value)
    {
        Span<byte> buf = stackalloc byte[16];
        if (s.Length > buf.Length)
        {
            value = 0;
            return false;
        }
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] > 127)
            {
                value = 0;
                return false;
            }
            buf[i] = (byte)s[i];
        }
        return TryParse(buf[..s.Length], out value);
    }

    public static string Format(uint ip) =>
        string.Create(null, stackalloc char[15], $"{ip >> 24}.{(ip >> 16) & 255}.{(ip >> 8) & 255}.{ip & 255}");

    public static int Format(uint ip, Span<byte> destination)
    {
        int n = 0;
        for (int shift = 24; shift >= 0; shift -= 8)
        {
            if (shift != 24)
                destination[n++] = (byte)'.';
            uint part = (ip >> shift) & 255;
            if (part >= 100)
                destination[n++] = (byte)('0' + part / 100);
            if (part >= 10)
                destination[n++] = (byte)('0' + part / 10 % 10);
            destination[n++] = (byte)('0' + part % 10);
        }
        return n;
    }
}
