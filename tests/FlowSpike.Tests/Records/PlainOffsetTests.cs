using System.Buffers.Binary;
using FlowSpike.Records.Parquet;

namespace FlowSpike.Tests.Records;

/// <summary>Locating PLAIN byte arrays in a page with one bounds test per value agrees with its twin.</summary>
public class PlainOffsetTests
{
    private static (byte[] Page, int[] Starts) Page(Random rng, int values, int pos)
    {
        var page = new List<byte>(new byte[pos]);
        var starts = new int[values];
        for (int i = 0; i < values; i++)
        {
            starts[i] = page.Count;
            int length = rng.Next(4) == 0 ? 0 : rng.Next(1, 40);
            var prefix = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(prefix, length);
            page.AddRange(prefix);
            for (int b = 0; b < length; b++)
                page.Add((byte)rng.Next(256));
        }
        return ([.. page], starts);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(7, 3)]
    [InlineData(1000, 5)]
    public void Both_find_where_every_value_starts(int values, int pos)
    {
        var (page, starts) = Page(new Random(28 + values), values, pos);
        var fast = new int[values];
        var scalar = new int[values];
        PlainValues.Offsets(page, pos, fast);
        PlainValues.OffsetsScalar(page, pos, scalar);
        Assert.Equal(starts, fast);
        Assert.Equal(starts, scalar);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Both_refuse_a_page_cut_short_or_a_negative_length(int cut)
    {
        var rng = new Random(cut);
        var (page, starts) = Page(rng, 50, 0);
        var shortPage = page[..^cut];
        var negative = (byte[])page.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(negative.AsSpan(starts[20]), -cut);
        foreach (var bad in new[] { shortPage, negative })
        {
            // Any cut takes bytes of the last value (its prefix, or its body); or a length below zero.
            Assert.Throws<InvalidDataException>(() => PlainValues.Offsets(bad, 0, new int[50]));
            Assert.Throws<InvalidDataException>(() => PlainValues.OffsetsScalar(bad, 0, new int[50]));
        }
    }
}
