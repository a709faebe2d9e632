using System.Buffers.Binary;
using System.Buffers.Text;
using System.Runtime.CompilerServices;

namespace FlowSpike.Records;

/// <summary>
/// A flow record's start or end field (epoch seconds as decimal text) to a number. Ten digits (every date from
/// 2001 to 2286) take a branch-light path: two 8-byte loads, one digit check and multiply-shift combining; anything
/// else, and every text under a scalar tokenizer, goes to <see cref="Utf8Parser"/>, the twin the tests compare
/// it with.
/// </summary>
internal static class EpochSeconds
{
    private static readonly bool UseBranchLight = LineTokenizer.BranchLight;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParse(ReadOnlySpan<byte> text, out long value) =>
        UseBranchLight && text.Length == 10
            ? TryParseTenDigits(text, out value) || TryParseScalar(text, out value)
            : TryParseScalar(text, out value);

    /// <summary>The twin: the whole text must be one integer.</summary>
    public static bool TryParseScalar(ReadOnlySpan<byte> text, out long value) =>
        Utf8Parser.TryParse(text, out value, out int consumed) && consumed == text.Length;

    /// <summary>Exactly ten ASCII digits; false (value 0) for anything else.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParseTenDigits(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.Length != 10)
            return false;
        // Bytes 0..7 and 2..9: the second load overlaps, and only its last two digits are used.
        ulong head = BinaryPrimitives.ReadUInt64LittleEndian(text);
        ulong tail = BinaryPrimitives.ReadUInt64LittleEndian(text[2..]);
        if (!AllDigits(head) || !AllDigits(tail))
            return false;
        ulong eight = EightDigits(head - 0x3030303030303030UL);
        ulong last = tail >> 48;
        value = (long)(eight * 100 + ((last & 0xFF) - '0') * 10 + ((last >> 8) - '0'));
        return true;
    }

    /// <summary>Every byte of the word is '0'..'9'.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool AllDigits(ulong word) =>
        // High nibble 3, and still 3 after adding 6: '0'..'9'. A carry between bytes needs a byte the first test
        // refuses.
        (word & 0xF0F0F0F0F0F0F0F0UL) == 0x3030303030303030UL
        && ((word + 0x0606060606060606UL) & 0xF0F0F0F0F0F0F0F0UL) == 0x3030303030303030UL;

    /// <summary>Eight digit values (first digit in the lowest byte) to their number, by multiply-shift steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong EightDigits(ulong digits)
    {
        digits = (digits * 10) + (digits >> 8);
        return (((digits & 0x000000FF000000FFUL) * (100 + (1000000UL << 32)))
            + (((digits >> 16) & 0x000000FF000000FFUL) * (1 + (10000UL << 32)))) >> 32;
    }
}
