using System.IO.Compression;
using FlowSpike.Records;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Records;

/// <summary>
/// A header line in the middle of one object (an org-wide rule replaced the flow log, and the new one writes its own
/// header): the records after it are read in the new layout, on every tokenizer path, whole, gzipped or split.
/// </summary>
public class MidObjectHeaderTests
{
    private const long T0 = 1_790_812_800;

    private static string Fixture => Path.Combine(AppContext.BaseDirectory, "Fixtures", "formats", "header-change.log");

    [Theory]
    [MemberData(nameof(Modes.Available), MemberType = typeof(Modes))]
    public void Records_after_a_second_header_use_its_layout(TokenizerMode mode)
    {
        // The fixture: 5 default-format records (4 REJECT from 10.0.0.5), then a 17-field header with vpc-id first
        // and 7 records (6 REJECT from 10.0.0.6, one of them through a NAT gateway with interface-id '-').
        var r = Scan.Files([Fixture], mode);
        Assert.Equal(0, r.Diagnostics.Malformed);
        Assert.Equal(12, r.Diagnostics.Parsed);
        Assert.Equal(10, r.Diagnostics.Counted);
        var sources = r.Partial.SourcesIn(T0);
        Assert.Equal(4, sources[Ipv4("10.0.0.5")].Count);
        var after = sources[Ipv4("10.0.0.6")];
        Assert.Equal(6, after.Count);
        Assert.Equal(
            ["eni-0bbb0000000000002", "nat-0123456789abcdef0"], after.Interfaces!.Order(StringComparer.Ordinal));
        Assert.Equal(6, after.Destinations!.Count);
        Assert.All(after.Destinations!, d => Assert.StartsWith("198.51.100.", d, StringComparison.Ordinal));
    }

    [Fact]
    public void A_gzipped_object_follows_the_header_too()
    {
        using var dir = new TempDir();
        string gz = dir.File("header-change.log.gz");
        using (var output = File.Create(gz))
        using (var zip = new GZipStream(output, CompressionLevel.Optimal))
            zip.Write(File.ReadAllBytes(Fixture));
        foreach (bool whole in new[] { true, false })
        {
            var r = Scan.Files([gz], inflateWhole: whole, smallFileReads: whole);
            Assert.Equal(0, r.Diagnostics.Malformed);
            Assert.Equal(10, r.Diagnostics.Counted);
        }
    }

    [Theory]
    [MemberData(nameof(Modes.Available), MemberType = typeof(Modes))]
    public void A_header_with_as_many_fields_but_another_order_is_followed(TokenizerMode mode)
    {
        // Same field count, srcaddr and dstaddr swapped: read in the old layout, the sources would be external.
        using var dir = new TempDir();
        string h1 = FlowLines.Header;
        string h2 = h1.Replace("srcaddr dstaddr", "dstaddr srcaddr", StringComparison.Ordinal);
        string text = h1 + "\n"
            + $"2 1 eni-1 10.0.0.5 203.0.113.1 1 443 6 1 40 {T0 + 1} {T0 + 2} REJECT OK\n"
            + h2 + "\n"
            + $"2 1 eni-1 203.0.113.2 10.0.0.5 1 443 6 1 40 {T0 + 3} {T0 + 4} REJECT OK\n"
            + $"2 1 eni-1 203.0.113.3 10.0.0.5 1 443 6 1 40 {T0 + 5} {T0 + 6} REJECT OK\n";
        var r = Scan.Text(text, dir, mode);
        Assert.Equal(0, r.Diagnostics.Malformed);
        Assert.Equal(3, r.Diagnostics.Parsed);
        var stats = Assert.Single(r.Partial.SourcesIn(T0)).Value;
        Assert.Equal(3, stats.Count);
        Assert.Equal(["203.0.113.1", "203.0.113.2", "203.0.113.3"], stats.Destinations!.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Modes.Available), MemberType = typeof(Modes))]
    public void A_split_file_with_a_header_in_an_early_segment_is_read_right(TokenizerMode mode)
    {
        // 300 default records, then the 17-field header and 300 records: with 4 KB segments the new header falls in an
        // early segment, and the segments after it must not be read with the first header's layout.
        using var dir = new TempDir();
        var lines = File.ReadAllLines(Fixture);
        var text = new System.Text.StringBuilder(lines[0]).Append('\n');
        for (int i = 0; i < 300; i++)
            text.Append(lines[1]).Append('\n');
        text.Append(lines[6]).Append('\n');
        for (int i = 0; i < 300; i++)
            text.Append(lines[7]).Append('\n');
        string path = dir.Write("split.log", text.ToString());
        Assert.True(new FileInfo(path).Length > 8 * 4096);
        var r = Scan.Files([path], mode, segmentBytes: 4096, threads: 2);
        Assert.Equal(0, r.Diagnostics.Malformed);
        Assert.Equal(600, r.Diagnostics.Counted);
        Assert.Equal(300, r.Partial.SourcesIn(T0)[Ipv4("10.0.0.6")].Count);
        Assert.Equal(1, r.Diagnostics.Files);
    }

    private static uint Ipv4(string s) =>
        FlowSpike.Selection.Ipv4.TryParse(s, out uint v) ? v : throw new ArgumentException(s);
}
