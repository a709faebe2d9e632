using FlowSpike.Records.Parquet;

namespace FlowSpike.Tests.Records;

/// <summary>Dictionary indices read one at a time (<see cref="SparseIds"/>) agree with the page-wide decoder.</summary>
public class SparseIdTests
{
    /// <summary>A hybrid stream of RLE runs and bit-packed groups holding <paramref name="values"/>.</summary>
    private static byte[] Encode(int[] values, int width, Random rng, bool cutLastGroup)
    {
        var bytes = new List<byte>();
        void Varint(uint v)
        {
            for (; v >= 0x80; v >>= 7)
                bytes.Add((byte)(v | 0x80));
            bytes.Add((byte)v);
        }
        int i = 0;
        while (i < values.Length)
        {
            int run = 1;
            while (i + run < values.Length && values[i + run] == values[i])
                run++;
            if (run >= 8 && rng.Next(2) == 0)
            {
                Varint((uint)run << 1);
                for (int b = 0; b < (width + 7) / 8; b++)
                    bytes.Add((byte)(values[i] >> (8 * b)));
                i += run;
                continue;
            }
            int groups = Math.Max(1, Math.Min(rng.Next(1, 9), (values.Length - i + 7) / 8));
            Varint(((uint)groups << 1) | 1);
            var packed = new byte[groups * width];
            for (int k = 0; k < groups * 8; k++)
            {
                long v = i + k < values.Length ? values[i + k] : 0;
                for (int b = 0; b < width; b++)
                {
                    if (((v >> b) & 1) != 0)
                        packed[((long)k * width + b) / 8] |= (byte)(1 << (int)(((long)k * width + b) % 8));
                }
            }
            int keep = packed.Length;
            if (cutLastGroup && i + groups * 8 >= values.Length)
                keep = (int)(((long)(values.Length - i) * width + 7) / 8); // a writer stopping at its last value
            bytes.AddRange(packed.AsSpan(0, keep).ToArray());
            i += groups * 8;
        }
        return [.. bytes];
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, true)]
    [InlineData(8, false)]
    [InlineData(11, true)]
    [InlineData(17, false)]
    [InlineData(25, true)]
    [InlineData(32, false)]
    public void One_at_a_time_agrees_with_the_whole_page(int width, bool cutLastGroup)
    {
        var rng = new Random(28 * width);
        foreach (int count in new[] { 1, 7, 8, 100, 5000 })
        {
            long max = width == 32 ? int.MaxValue : (1L << width) - 1;
            var values = new int[count];
            for (int i = 0; i < count; i++)
                values[i] = i > 0 && rng.Next(3) == 0 ? values[i - 1] : (int)rng.NextInt64(max + 1);
            // Three bytes before the stream, as a page holds its levels first.
            byte[] page = [1, 2, 3, .. Encode(values, width, rng, cutLastGroup)];
            var whole = new int[count];
            HybridDecoder.Decode(page.AsSpan(3), width, whole);
            Assert.Equal(values, whole);
            var sparse = new SparseIds();
            sparse.Load(page, 3, page.Length, width, count);
            for (int i = 0; i < count; i += 1 + rng.Next(4))
                Assert.Equal(values[i], sparse.Get(page, i));
            // Asked again from the start, and every value in order.
            for (int i = 0; i < count; i++)
                Assert.Equal(values[i], sparse.Get(page, i));
        }
    }
}
