using System.IO.Compression;
using System.Text;
using FlowSpike.Aggregation;
using FlowSpike.Records;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Records;

/// <summary>
/// A file saved as UTF-8 "with BOM" (a Windows editor, PowerShell's Out-File) starts with EF BB BF. Its header line
/// still names the fields, and its first record is still a record, on every path: plain, gzipped, small-file,
/// header-less and JSON.
/// </summary>
public class ByteOrderMarkTests
{
    private const long T0 = 1_790_812_800;

    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// A header with dstaddr before srcaddr: 10.0.0.5 blocks 5 connections outbound, and 50 inbound connections from
    /// 8.8.8.8 to 10.0.0.7 are refused. Read in the default order instead, 10.0.0.7 would seem to block 50.
    /// </summary>
    private static string Swapped()
    {
        var text = new StringBuilder("version account-id interface-id dstaddr srcaddr srcport dstport protocol " +
            "packets bytes start end action log-status\n");
        for (int i = 0; i < 5; i++)
            text.Append($"2 1 eni-a 9.9.9.{i} 10.0.0.5 1 443 6 1 40 {T0 + i} {T0 + i + 1} REJECT OK\n");
        for (int i = 0; i < 50; i++)
            text.Append($"2 1 eni-b 10.0.0.7 8.8.8.8 1 22 6 1 40 {T0 + i} {T0 + i + 1} REJECT OK\n");
        return text.ToString();
    }

    private static void AssertSwappedRead(ScanResult r)
    {
        Assert.Equal(0, r.Diagnostics.Malformed);
        Assert.Equal(55, r.Diagnostics.Parsed);
        var sources = r.Partial.SourcesIn(T0);
        Assert.Equal(5, Assert.Single(sources, s => s.Key == Ipv4("10.0.0.5")).Value.Count);
        Assert.DoesNotContain(sources, s => s.Key == Ipv4("10.0.0.7"));
    }

    public static TheoryData<TokenizerMode, bool> Paths()
    {
        var data = new TheoryData<TokenizerMode, bool>();
        foreach (var mode in Modes.List())
        {
            data.Add(mode, true);
            data.Add(mode, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void A_header_after_a_byte_order_mark_names_the_fields(TokenizerMode mode, bool smallFileReads)
    {
        using var dir = new TempDir();
        string path = dir.File("bom.log");
        File.WriteAllBytes(path, [.. Bom, .. Encoding.ASCII.GetBytes(Swapped())]);
        AssertSwappedRead(Scan.Files([path], mode, smallFileReads: smallFileReads));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_gzipped_file_with_a_byte_order_mark_is_read_by_its_header(bool inflateWhole)
    {
        using var dir = new TempDir();
        string path = dir.File("bom.log.gz");
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            gz.Write([.. Bom, .. Encoding.ASCII.GetBytes(Swapped())]);
        AssertSwappedRead(Scan.Files([path], inflateWhole: inflateWhole));
    }

    [Fact]
    public void The_first_record_of_a_header_less_file_with_a_byte_order_mark_counts()
    {
        using var dir = new TempDir();
        string lines = new FlowLines(header: false).Add(T0, "10.0.0.1", "8.8.8.8", count: 3).ToString();
        string path = dir.File("cwl.log");
        File.WriteAllBytes(path, [.. Bom, .. Encoding.ASCII.GetBytes(lines.Replace("\n", "\r\n"))]);
        var r = Scan.Files([path]);
        Assert.Equal(0, r.Diagnostics.Malformed);
        Assert.Equal(3, r.Diagnostics.Counted);
    }

    [Fact]
    public void A_json_export_with_a_byte_order_mark_is_read()
    {
        using var dir = new TempDir();
        string record = $"2 1 eni-1 10.0.0.1 8.8.8.8 1 2 6 1 40 {T0} {T0} REJECT OK";
        string json = $$"""{"events":[{"timestamp":1,"message":"{{record}}"},"""
            + $$"""{"timestamp":1,"message":"{{record}}"}]}""";
        string path = dir.File("events.json");
        File.WriteAllBytes(path, [.. Bom, .. Encoding.UTF8.GetBytes(json)]);
        var r = Scan.Files([path]);
        Assert.Equal(0, r.Diagnostics.Malformed);
        Assert.Equal(2, r.Diagnostics.Counted);
    }

    private static uint Ipv4(string s) =>
        FlowSpike.Selection.Ipv4.TryParse(s, out uint v) ? v : throw new ArgumentException(s);
}
