using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FlowSpike.Records;

/// <summary>
/// Splits a buffer of whole lines into space-separated fields. The vector paths compare 32 or 64 bytes at a time
/// against ' ' and '\n' and walk the resulting bit mask; the scalar twin looks at one byte at a time. Both call the
/// sink with identical arguments, which the tests check.
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
    public static int Tokenize<TSink>(ReadOnlySpan<byte> buffer, ref TSink sink, TokenizerMode mode)
        where TSink : struct, ILineSink
    {
        Span<int> ends = stackalloc int[FlowLayout.MaxFields];
        var state = new LineState();
        int i = mode switch
        {
            TokenizerMode.Vector512 => Vector512Path(buffer, ref sink, ends, ref state),
            TokenizerMode.Vector256 => Vector256Path(buffer, ref sink, ends, ref state),
            _ => 0,
        };
        for (; i < buffer.Length; i++)
        {
            byte b = buffer[i];
            if (b == (byte)' ')
                state.Field(i, ends);
            else if (b == (byte)'\n')
                state.EndLine(buffer, i, ends, ref sink);
        }
        return state.Lines;
    }

    private static int Vector256Path<TSink>(
        ReadOnlySpan<byte> buffer, ref TSink sink, Span<int> ends, ref LineState state)
        where TSink : struct, ILineSink
    {
        ref byte start = ref MemoryMarshal.GetReference(buffer);
        var space = Vector256.Create((byte)' ');
        var newline = Vector256.Create((byte)'\n');
        int i = 0;
        for (; i + Vector256<byte>.Count <= buffer.Length; i += Vector256<byte>.Count)
        {
            var v = Vector256.LoadUnsafe(ref start, (nuint)i);
            uint mask = (Vector256.Equals(v, space) | Vector256.Equals(v, newline)).ExtractMostSignificantBits();
            while (mask != 0)
            {
                int pos = i + BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                if (Unsafe.Add(ref start, pos) == (byte)' ')
                    state.Field(pos, ends);
                else
                    state.EndLine(buffer, pos, ends, ref sink);
            }
        }
        return i;
    }

    private static int Vector512Path<TSink>(
        ReadOnlySpan<byte> buffer, ref TSink sink, Span<int> ends, ref LineState state)
        where TSink : struct, ILineSink
    {
        ref byte start = ref MemoryMarshal.GetReference(buffer);
        var space = Vector512.Create((byte)' ');
        var newline = Vector512.Create((byte)'\n');
        int i = 0;
        for (; i + Vector512<byte>.Count <= buffer.Length; i += Vector512<byte>.Count)
        {
            var v = Vector512.LoadUnsafe(ref start, (nuint)i);
            ulong mask = (Vector512.Equals(v, space) | Vector512.Equals(v, newline)).ExtractMostSignificantBits();
            while (mask != 0)
            {
                int pos = i + BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                if (Unsafe.Add(ref start, pos) == (byte)' ')
                    state.Field(pos, ends);
                else
                    state.EndLine(buffer, pos, ends, ref sink);
            }
        }
        return i;
    }

    /// <summary>Where the current line started and how many separators it had so far.</summary>
    private struct LineState
    {
        private int _lineStart;
        private int _fields;

        public int Lines;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Field(int pos, Span<int> ends)
        {
            if ((uint)_fields < (uint)ends.Length)
                ends[_fields] = pos - _lineStart;
            _fields++;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void EndLine<TSink>(ReadOnlySpan<byte> buffer, int pos, Span<int> ends, ref TSink sink)
            where TSink : struct, ILineSink
        {
            int length = pos - _lineStart;
            Field(pos, ends);
            int count = _fields;
            sink.OnLine(buffer.Slice(_lineStart, length), ends[..Math.Min(count, ends.Length)], count);
            _lineStart = pos + 1;
            _fields = 0;
            Lines++;
        }
    }
}
