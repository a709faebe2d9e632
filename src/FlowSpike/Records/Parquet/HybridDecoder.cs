using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FlowSpike.Records.Parquet;

/// <summary>
/// Parquet's RLE / bit-packing hybrid (definition levels and dictionary indices): runs of one repeated value and
/// groups of eight values packed least significant bit first.
/// </summary>
internal static class HybridDecoder
{
    /// <summary>Decodes <paramref name="output"/>.Length values of <paramref name="bitWidth"/> bits.</summary>
    public static void Decode(ReadOnlySpan<byte> data, int bitWidth, Span<int> output)
    {
        if (bitWidth is < 0 or > 32)
            throw new InvalidDataException($"bit width {bitWidth} is out of range");
        int pos = 0, n = 0, byteWidth = (bitWidth + 7) / 8;
        uint mask = bitWidth == 32 ? uint.MaxValue : (1u << bitWidth) - 1;
        while (n < output.Length)
        {
            uint header = ReadVarint(data, ref pos);
            if ((header & 1) == 0)
            {
                int count = (int)(header >> 1);
                if (pos + byteWidth > data.Length)
                    throw new InvalidDataException("an RLE run ends early");
                uint value = 0;
                for (int b = 0; b < byteWidth; b++)
                    value |= (uint)data[pos + b] << (8 * b);
                pos += byteWidth;
                int take = Math.Min(count, output.Length - n);
                output.Slice(n, take).Fill((int)value);
                n += take;
                continue;
            }
            int values = checked((int)(header >> 1) * 8);
            int bytes = checked((int)(header >> 1) * bitWidth);
            if (pos + bytes > data.Length)
            {
                // Writers may stop the last group's bytes at the last value they hold: keep what is there.
                bytes = data.Length - pos;
                values = Math.Min(values, bitWidth == 0 ? values : bytes * 8 / bitWidth);
            }
            int want = Math.Min(values, output.Length - n);
            Unpack(data.Slice(pos, bytes), bitWidth, mask, output.Slice(n, want));
            pos += bytes;
            n += want;
            if (want == 0 && values == 0)
                throw new InvalidDataException("a bit-packed run ends early");
        }
    }

    /// <summary>
    /// Whether the first <paramref name="count"/> values are all <paramref name="value"/> (a page of levels without a
    /// null), checked on the encoded runs; false when unsure, and <see cref="Decode"/> decides.
    /// </summary>
    public static bool AllAre(ReadOnlySpan<byte> data, int bitWidth, int count, int value)
    {
        if (bitWidth is < 1 or > 8)
            return false;
        int pos = 0, n = 0;
        try
        {
            while (n < count)
            {
                uint header = ReadVarint(data, ref pos);
                int groups = (int)(header >> 1);
                if ((header & 1) == 0)
                {
                    if (pos >= data.Length || data[pos] != value || groups == 0)
                        return false;
                    pos++;
                    n += groups;
                    continue;
                }
                // Bit-packed runs are only read for one-bit levels: all ones, byte by byte.
                int want = (int)Math.Min((long)groups * 8, count - n);
                int full = want / 8, rest = want % 8;
                if (bitWidth != 1 || value != 1 || want == 0 || pos + full + (rest > 0 ? 1 : 0) > data.Length
                    || data.Slice(pos, full).ContainsAnyExcept((byte)0xff)
                    || (rest > 0 && (data[pos + full] & ((1 << rest) - 1)) != (1 << rest) - 1))
                    return false;
                pos += groups;
                n += want;
            }
        }
        catch (InvalidDataException)
        {
            return false;
        }
        return true;
    }

    /// <summary>Bit-packed values: whole groups of eight through unchecked four-byte loads (widths up to 25 bits,
    /// little-endian), the rest by <see cref="UnpackScalar"/>, which a scalar tokenizer uses for all of it.
    /// </summary>
    internal static void Unpack(ReadOnlySpan<byte> packed, int bitWidth, uint mask, Span<int> output)
    {
        if (bitWidth is 0 or > 25 || !BitConverter.IsLittleEndian || !LineTokenizer.BranchLight)
        {
            UnpackScalar(packed, bitWidth, mask, output);
            return;
        }
        // Group g reads up to byte g*w + floor(7w/8) + 3 <= g*w + w + 2: stay below packed.Length.
        int groups = packed.Length >= bitWidth + 3
            ? Math.Min(output.Length / 8, (packed.Length - bitWidth - 3) / bitWidth + 1)
            : 0;
        ref byte source = ref MemoryMarshal.GetReference(packed);
        ref int target = ref MemoryMarshal.GetReference(output);
        for (int g = 0; g < groups; g++)
        {
            ref byte p = ref Unsafe.Add(ref source, g * bitWidth);
            ref int o = ref Unsafe.Add(ref target, g * 8);
            for (int k = 0, bit = 0; k < 8; k++, bit += bitWidth)
            {
                uint word = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, bit >> 3));
                Unsafe.Add(ref o, k) = (int)((word >> (bit & 7)) & mask);
            }
        }
        int done = groups * 8;
        if (done < output.Length)
            UnpackScalar(packed[(groups * bitWidth)..], bitWidth, mask, output[done..]);
    }

    /// <summary>The plain twin of <see cref="Unpack"/>, checked against it by the tests.</summary>
    internal static void UnpackScalar(ReadOnlySpan<byte> packed, int bitWidth, uint mask, Span<int> output)
    {
        if (bitWidth == 0)
        {
            output.Clear();
            return;
        }
        int i = 0;
        long bit = 0;
        if (bitWidth <= 8)
        {
            // A group of eight values is bitWidth bytes: one load per group.
            int groups = packed.Length >= 8 ? Math.Min(output.Length / 8, (packed.Length - 8) / bitWidth + 1) : 0;
            for (int g = 0; g < groups; g++)
            {
                ulong word = BinaryPrimitives.ReadUInt64LittleEndian(packed[(g * bitWidth)..]);
                var o = output.Slice(g * 8, 8);
                for (int k = 0; k < 8; k++)
                    o[k] = (int)((uint)(word >> (k * bitWidth)) & mask);
            }
            i = groups * 8;
            bit = (long)i * bitWidth;
        }
        // Eight-byte loads while they stay inside the data; byte by byte for the tail.
        int fast = packed.Length >= 8 ? (int)Math.Min(output.Length, ((packed.Length - 8) * 8L) / bitWidth + 1) : 0;
        for (; i < fast; i++, bit += bitWidth)
        {
            ulong word = BinaryPrimitives.ReadUInt64LittleEndian(packed[(int)(bit >> 3)..]);
            output[i] = (int)((uint)(word >> (int)(bit & 7)) & mask);
        }
        for (; i < output.Length; i++, bit += bitWidth)
        {
            ulong word = 0;
            int at = (int)(bit >> 3);
            for (int b = 0; b < 8 && at + b < packed.Length; b++)
                word |= (ulong)packed[at + b] << (8 * b);
            output[i] = (int)((uint)(word >> (int)(bit & 7)) & mask);
        }
    }

    internal static uint ReadVarint(ReadOnlySpan<byte> data, ref int pos)
    {
        uint value = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            if (pos >= data.Length)
                throw new InvalidDataException("an RLE header ends early");
            byte b = data[pos++];
            value |= (uint)(b & 0x7f) << shift;
            if (b < 0x80)
                return value;
        }
        throw new InvalidDataException("an RLE header is too long");
    }

    /// <summary>The bits needed for values up to <paramref name="max"/>.</summary>
    public static int BitWidth(int max) =>
        max == 0 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)max);
}
