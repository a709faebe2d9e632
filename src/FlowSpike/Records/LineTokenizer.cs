using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FlowSpike.Records;

/// <summary>
/// Splits a buffer of whole lines into space-separated fields. The vector paths compare 32 or 64 bytes at a time
/// against ' ' and '\n' and walk the resulting bit mask; the scalar twin looks at one byte at a time. Both call the
/// handler with identical arguments, which the tests check.
/// </summary>
internal static class LineTokenizer
{
    /// <summary>The widest separator search the CPU has, unless <see cref="FastPaths.Tokenizer"/> says
    /// otherwise.</summary>
    public static TokenizerMode DefaultMode => FastPaths.Tokenizer ?? ChooseMode(null);

    /// <summary>
    /// Whether the field parsers (IPv4, epoch seconds) take their branch-light paths: a scalar tokenizer forces
    /// their scalar twins along with its own.
    /// </summary>
    public static bool BranchLight => Vector128.IsHardwareAccelerated && DefaultMode != TokenizerMode.Scalar;

    public static TokenizerMode ChooseMode(string? setting) => setting?.Trim().ToLowerInvariant() switch
    {
        "scalar" or "0" or "off" => TokenizerMode.Scalar,
        "256" when Vector256.IsHardwareAccelerated => TokenizerMode.Vector256,
        "512" when Vector512.IsHardwareAccelerated => TokenizerMode.Vector512,
        "256" or "512" => TokenizerMode.Scalar,
        _ => Vector512.IsHardwareAccelerated ? TokenizerMode.Vector512
            : Vector256.IsHardwareAccelerated ? TokenizerMode.Vector256 : TokenizerMode.Scalar,
    };

    /// <summary>
    /// Tokenizes <paramref name="buffer"/>; every line in it must end with '\n'. Returns the number of lines.
    /// </summary>
    public static int Tokenize<THandler>(ReadOnlySpan<byte> buffer, ref THandler handler, TokenizerMode mode)
        where THandler : struct, ILineHandler
    {
        Span<int> ends = stackalloc int[FlowLayout.MaxFields];
        var state = new LineState();
        int i = mode switch
        {
            TokenizerMode.Vector512 => Vector512Path(buffer, ref handler, ends, ref state),
            TokenizerMode.Vector256 => Vector256Path(buffer, ref handler, ends, ref state),
            _ => 0,
        };
        for (; i < buffer.Length; i++)
        {
            byte b = buffer[i];
            if (b == (byte)' ')
                state.Field(i, ends);
            else if (b == (byte)'\n')
                state.EndLine(buffer, i, ends, ref handler);
        }
        return state.Lines;
    }

    private static int Vector256Path<THandler>(
        ReadOnlySpan<byte> buffer, ref THandler handler, Span<int> ends, ref LineState state)
        where THandler : struct, ILineHandler
    {
        ref byte start = ref MemoryMarshal.GetReference(buffer);
        var space = Vector256.Create((byte)' ');
        var newline = Vector256.Create((byte)'\n');
        // The state in locals, not behind the ref: one load and store per separator through memory would chain
        // every field of a line on store-to-load forwarding.
        int lineStart = state.LineStart, fields = state.Fields, lines = state.Lines;
        int i = 0;
        for (; i + Vector256<byte>.Count <= buffer.Length; i += Vector256<byte>.Count)
        {
            var v = Vector256.LoadUnsafe(ref start, (nuint)i);
            Block(Vector256.Equals(v, space).ExtractMostSignificantBits(),
                Vector256.Equals(v, newline).ExtractMostSignificantBits(), i, buffer, ref handler, ends,
                ref lineStart, ref fields, ref lines);
        }
        state = new LineState { LineStart = lineStart, Fields = fields, Lines = lines };
        return i;
    }

    private static int Vector512Path<THandler>(
        ReadOnlySpan<byte> buffer, ref THandler handler, Span<int> ends, ref LineState state)
        where THandler : struct, ILineHandler
    {
        ref byte start = ref MemoryMarshal.GetReference(buffer);
        var space = Vector512.Create((byte)' ');
        var newline = Vector512.Create((byte)'\n');
        int lineStart = state.LineStart, fields = state.Fields, lines = state.Lines;
        int i = 0;
        for (; i + Vector512<byte>.Count <= buffer.Length; i += Vector512<byte>.Count)
        {
            var v = Vector512.LoadUnsafe(ref start, (nuint)i);
            Block(Vector512.Equals(v, space).ExtractMostSignificantBits(),
                Vector512.Equals(v, newline).ExtractMostSignificantBits(), i, buffer, ref handler, ends,
                ref lineStart, ref fields, ref lines);
        }
        state = new LineState { LineStart = lineStart, Fields = fields, Lines = lines };
        return i;
    }

    /// <summary>
    /// One block's separators (bit k: byte i + k), newline by newline: the spaces before each newline are fields of
    /// the line it ends, so no separator is told apart from the other kind by a branch of its own.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block<THandler>(
        ulong spaces, ulong newlines, int i, ReadOnlySpan<byte> buffer, ref THandler handler, Span<int> ends,
        ref int lineStart, ref int fields, ref int lines)
        where THandler : struct, ILineHandler
    {
        while (newlines != 0)
        {
            int bit = BitOperations.TrailingZeroCount(newlines);
            newlines &= newlines - 1;
            // Bits below the newline's; then those and the newline's own bit are cleared from spaces.
            ulong below = (1UL << bit) - 1;
            Fields(spaces & below, i, ends, lineStart, ref fields);
            spaces &= ~below;
            int pos = i + bit;
            int length = pos - lineStart;
            if ((uint)fields < (uint)ends.Length)
                ends[fields] = length;
            int count = fields + 1;
            handler.OnLine(buffer.Slice(lineStart, length), ends[..Math.Min(count, ends.Length)], count);
            lineStart = pos + 1;
            fields = 0;
            lines++;
        }
        Fields(spaces, i, ends, lineStart, ref fields);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fields(ulong spaces, int i, Span<int> ends, int lineStart, ref int fields)
    {
        int offset = i - lineStart;
        while (spaces != 0)
        {
            if ((uint)fields < (uint)ends.Length)
                ends[fields] = offset + BitOperations.TrailingZeroCount(spaces);
            fields++;
            spaces &= spaces - 1;
        }
    }

    /// <summary>Where the current line started and how many separators it had so far.</summary>
    private struct LineState
    {
        public int LineStart;
        public int Fields;
        public int Lines;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Field(int pos, Span<int> ends)
        {
            if ((uint)Fields < (uint)ends.Length)
                ends[Fields] = pos - LineStart;
            Fields++;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void EndLine<THandler>(ReadOnlySpan<byte> buffer, int pos, Span<int> ends, ref THandler handler)
            where THandler : struct, ILineHandler
        {
            int length = pos - LineStart;
            Field(pos, ends);
            int count = Fields;
            handler.OnLine(buffer.Slice(LineStart, length), ends[..Math.Min(count, ends.Length)], count);
            LineStart = pos + 1;
            Fields = 0;
            Lines++;
        }
    }
}
