using FlowSpike.Aggregation;
using FlowSpike.Selection;

namespace FlowSpike.Tests.Records;

/// <summary>The field tests a REJECT record goes through, fast path against twin: the internal-network lookup
/// (one vector, a scan, sorted ranges) against the linear scan, and the empty-field test's vectors against its
/// loop.</summary>
public class FieldTestFastPathTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(200)]
    public void Cidr_lookups_agree_with_the_linear_scan(int networks)
    {
        var rng = new Random(networks);
        var list = new List<Ipv4Cidr>();
        for (int i = 0; i < networks; i++)
        {
            int prefix = rng.Next(1, 33) switch { var p when p < 8 => 32, var p => p };
            uint mask = prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
            list.Add(new Ipv4Cidr((uint)rng.NextInt64(0, 1L << 32) & mask, prefix));
        }
        list.Add(new Ipv4Cidr(0xFFFFFF00, 24)); // touches the top of the address space
        var set = new CidrSet(list);
        var probes =
            list.SelectMany(n => new[] { n.Network, n.Network - 1, n.Network | ~n.Mask, (n.Network | ~n.Mask) + 1 })
            .Concat(Enumerable.Range(0, 20_000).Select(_ => (uint)rng.NextInt64(0, 1L << 32)))
            .Concat([0u, uint.MaxValue]);
        foreach (uint ip in probes)
            Assert.True(set.ContainsScan(ip) == set.Contains(ip), Ipv4.Format(ip));
    }

    [Fact]
    public void The_default_networks_hold_their_edges_and_nothing_next_to_them()
    {
        foreach (string text in new[] { "10.0.0.0", "10.255.255.255", "172.16.0.0", "172.31.255.255",
            "192.168.0.0", "192.168.255.255" })
        {
            Assert.True(Ipv4.TryParse(text, out uint inside));
            Assert.True(CidrSet.Default.Contains(inside), text);
        }
        foreach (string text in new[] { "9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0",
            "192.167.255.255", "192.169.0.0", "0.0.0.1", "255.255.255.255" })
        {
            Assert.True(Ipv4.TryParse(text, out uint outside));
            Assert.False(CidrSet.Default.Contains(outside), text);
        }
    }

    [Fact]
    public void Empty_field_vectors_agree_with_the_loop()
    {
        var rng = new Random(28);
        var buffer = new int[64];
        for (int round = 0; round < 20_000; round++)
        {
            int count = rng.Next(9, 17);
            int end = -1;
            for (int k = 0; k < count; k++)
            {
                // Mostly fields of 1 to 20 bytes; now and then an empty one (ends where it begins).
                end += 1 + (rng.Next(12) == 0 ? 0 : rng.Next(1, 21));
                buffer[k] = end;
            }
            // Garbage past the fields must not matter.
            for (int k = count; k < buffer.Length; k++)
                buffer[k] = rng.Next(-2, 400);
            var ends = buffer.AsSpan(0, count);
            bool expected = false;
            for (int k = 0; k < count; k++)
                expected |= ends[k] == (k == 0 ? 0 : ends[k - 1] + 1);
            Assert.Equal(expected, LineFields.EmptyFieldScalar(ends));
            Assert.Equal(expected, LineFields.EmptyFieldVector(ends));
        }
    }

    [Theory]
    [InlineData("a b c d e f g h i j k l m n", false)]
    [InlineData(" b c d e f g h i j k l m n", true)]
    [InlineData("a b c d e f g h i  k l m n", true)]
    [InlineData("a b c d e f g h i j k l m ", true)]
    [InlineData("a b c d e f g h i j k l m \r", true)]
    [InlineData("a b c d e f g h i j k l m n\r", false)]
    public void A_line_with_an_empty_field_is_found_on_every_path(string text, bool empty)
    {
        var line = System.Text.Encoding.ASCII.GetBytes(text);
        var ends = new List<int>();
        for (int i = 0; i <= line.Length; i++)
        {
            if (i == line.Length || line[i] == (byte)' ')
                ends.Add(i);
        }
        Assert.Equal(14, ends.Count);
        Assert.Equal(empty, LineFields.HasEmptyField(line, ends.ToArray()));
    }
}
