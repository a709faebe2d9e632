using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FlowSpike.Selection;

/// <summary>
/// IPv4 text to and from a host-order <see cref="uint"/>, on bytes. Parsing has a branch-light path (one vector compare
/// finds the dots and checks the digits, then each octet is a fixed sum) and its per-byte scalar twin, which
/// a scalar tokenizer forces; both accept exactly the same texts, which the tests check.
/// </summary>
internal static class Ipv4
{
    /// <summary>Whether <see cref="TryParse(ReadOnlySpan{byte}, out uint)"/> takes the branch-light path.</summary>
    public static bool BranchLight => Records.LineTokenizer.BranchLight;

    private static readonly bool UseBranchLight = BranchLight;

    /// <summary>Parses exactly four dot-separated decimal octets (0..255, 1 to 3 digits, no leading zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParse(ReadOnlySpan<byte> s, out uint value) =>
        UseBranchLight ? TryParseBranchLight(s, out value) : TryParseScalar(s, out value);

    /// <summary>
    /// The branch-light path: the text (7 to 15 bytes) is copied behind three '0' bytes into a 32-byte stack buffer,
    /// one vector compare gives the dot positions and checks every other byte is a digit, and each octet is the sum of
    /// its last three digits weighted by its length, so nothing branches on the digits themselves.
    /// </summary>
    public static bool TryParseBranchLight(ReadOnlySpan<byte> s, out uint value)
    {
        value = 0;
        int length = s.Length;
        if ((uint)(length - 7) > 8)
            return false;
        Vector256<byte> block = default;
        ref byte b = ref Unsafe.As<Vector256<byte>, byte>(ref block);
        b = (byte)'0';
        Unsafe.Add(ref b, 1) = (byte)'0';
        Unsafe.Add(ref b, 2) = (byte)'0';
        s.CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref b, 3), 16));
        return ParseBlock(ref b, length, out value);
    }

    /// <summary>
    /// Parses the address text <paramref name="line"/>[<paramref name="at"/>..+<paramref name="length"/>] (a field of
    /// a record), as <see cref="TryParse(ReadOnlySpan{byte}, out uint)"/> does. Where the line holds three bytes before
    /// the field and sixteen from its start, the branch-light path reads them in place: no copy to the stack, whose
    /// byte stores a vector load cannot forward from. What those bytes hold never changes the result.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryParseField(ReadOnlySpan<byte> line, int at, int length, out uint value)
    {
        if (!UseBranchLight || at < 3 || (uint)(length - 7) > 8 || at + 16 > line.Length)
            return TryParse(line.Slice(at, length), out value);
        return ParseBlock(ref Unsafe.Add(ref MemoryMarshal.GetReference(line), at - 3), length, out value);
    }

    /// <summary>The text (7 to 15 bytes) sits 3 bytes into the block, with at least 16 readable bytes from there;
    /// the bytes before it and after its end are masked out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ParseBlock(ref byte b, int length, out uint value)
    {
        value = 0;
        var text = Vector128.LoadUnsafe(ref b, 3);
        uint inText = (1u << length) - 1;
        uint dots = Vector128.Equals(text, Vector128.Create((byte)'.')).ExtractMostSignificantBits() & inText;
        uint digits = Vector128.LessThan(text - Vector128.Create((byte)'0'), Vector128.Create((byte)10))
            .ExtractMostSignificantBits();
        if (((dots | digits) & inText) != inText || BitOperations.PopCount(dots) != 3)
            return false;
        int p1 = BitOperations.TrailingZeroCount(dots);
        uint rest = dots & (dots - 1);
        int p2 = BitOperations.TrailingZeroCount(rest);
        int p3 = BitOperations.TrailingZeroCount(rest & (rest - 1));
        // Octets end (exclusive) at p1, p2, p3 and length; they start one after the previous dot.
        bool ok = Octet(ref b, 0, p1, out uint o0) & Octet(ref b, p1 + 1, p2, out uint o1)
            & Octet(ref b, p2 + 1, p3, out uint o2) & Octet(ref b, p3 + 1, length, out uint o3);
        value = (o0 << 24) | (o1 << 16) | (o2 << 8) | o3;
        if (!ok)
            value = 0;
        return ok;
    }

    /// <summary>The octet text[begin..end) (offsets into the text, which sits 3 bytes into the block).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Octet(ref byte block, int begin, int end, out uint octet)
    {
        int digits = end - begin;
        // Digits before the octet's first are dots or the '0' padding: weight them by zero.
        uint units = (uint)(Unsafe.Add(ref block, end + 2) - '0');
        uint tens = (uint)(Unsafe.Add(ref block, end + 1) - '0') & (uint)-(digits >> 1);
        uint hundreds = (uint)(Unsafe.Add(ref block, end) - '0') & (uint)-((digits + 1) >> 2);
        octet = hundreds * 100 + tens * 10 + units;
        bool leadingZero = (digits > 1) & (Unsafe.Add(ref block, begin + 3) == (byte)'0');
        return ((uint)(digits - 1) <= 2) & (octet <= 255) & !leadingZero;
    }

    /// <summary>The per-byte scalar twin of <see cref="TryParseBranchLight"/>.</summary>
    public static bool TryParseScalar(ReadOnlySpan<byte> s, out uint value)
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
