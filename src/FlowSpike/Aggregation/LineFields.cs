using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FlowSpike.Aggregation;

/// <summary>The field checks of <see cref="FlowRecordHandler"/> that look at a whole line: blank runs and empty fields.
/// </summary>
internal static class LineFields
{
    /// <summary>Copies the line with every run of blanks turned into one space; returns the field count.</summary>
    public static int Normalize(ReadOnlySpan<byte> line, byte[] output, Span<int> ends, out int length)
    {
        int n = 0, fields = 0;
        bool inField = false;
        foreach (byte b in line)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r')
            {
                if (inField)
                {
                    if (fields < ends.Length)
                        ends[fields] = n;
                    fields++;
                    inField = false;
                }
                continue;
            }
            if (!inField && fields > 0)
                output[n++] = (byte)' ';
            output[n++] = b;
            inField = true;
        }
        if (inField)
        {
            if (fields < ends.Length)
                ends[fields] = n;
            fields++;
        }
        length = n;
        return fields;
    }

    /// <summary>Whether a field of the line is empty: a doubled, leading or trailing blank, or a last field that is
    /// only the '\r' of a CRLF line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool HasEmptyField(ReadOnlySpan<byte> line, ReadOnlySpan<int> ends)
    {
        bool empty = ends.Length is > 8 and <= 16 && Vector256.IsHardwareAccelerated
            ? EmptyFieldVector(ends)
            : EmptyFieldScalar(ends);
        if (empty)
            return true;
        return line.Length > 0 && line[^1] == (byte)'\r' && ends[^1] - (ends.Length > 1 ? ends[^2] + 1 : 0) == 1;
    }

    /// <summary>Field k is empty when it ends where it begins: at 0 for the first, one past the previous end for
    /// the others. The twin of <see cref="EmptyFieldVector"/>.</summary>
    internal static bool EmptyFieldScalar(ReadOnlySpan<int> ends)
    {
        // No early exit: the loop is a few compares OR-ed together, with nothing to mispredict.
        int begin = 0;
        bool empty = false;
        foreach (int end in ends)
        {
            empty |= end == begin;
            begin = end + 1;
        }
        return empty;
    }

    /// <summary>The same test for 9 to 16 fields (a flow log has 14 by default) in two overlapping vectors of eight:
    /// fields 1..8 and the last eight, each end against the previous end plus one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool EmptyFieldVector(ReadOnlySpan<int> ends)
    {
        ref int first = ref MemoryMarshal.GetReference(ends);
        nuint last8 = (nuint)(ends.Length - 8);
        var one = Vector256<int>.One;
        var head = Vector256.LoadUnsafe(ref first, 1);
        var headBefore = Vector256.LoadUnsafe(ref first) + one;
        var tail = Vector256.LoadUnsafe(ref first, last8);
        var tailBefore = Vector256.LoadUnsafe(ref first, last8 - 1) + one;
        return (first == 0) | Vector256.EqualsAny(head, headBefore) | Vector256.EqualsAny(tail, tailBefore);
    }
}
