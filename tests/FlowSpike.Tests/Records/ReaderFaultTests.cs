using System.IO.Compression;
using System.Text;
using FlowSpike.Records;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Records;

/// <summary>Malformed lines are counted and located, never fatal; unreadable files are a clear error naming
/// them.</summary>
public class ReaderFaultTests
{
    private const long T = 1_700_000_000;

    public static TheoryData<TokenizerMode> AllModes() => Modes.Available();

    [Theory]
    [MemberData(nameof(AllModes))]
    public void Malformed_lines_are_counted_with_file_and_line(TokenizerMode mode)
    {
        using var dir = new TempDir();
        string text = new FlowLines()
            .Add(T, "10.0.0.1", "8.8.8.8")
            .Raw("2 123 eni-1 10.0.0.1 8.8.8.8 too short")
            .Raw("")
            .Raw($"2 123456789012 eni-1 10.0.0.1 8.8.8.8 1 2 6 1 40 notatime {T} REJECT OK")
            .Raw($"2 123456789012 eni-1 garbage 8.8.8.8 1 2 6 1 40 {T} {T} REJECT OK")
            .Add(T, "10.0.0.1", "8.8.4.4")
            .ToString();
        string path = dir.Write("bad.log", text);
        var r = Scan.Files([path], mode);
        Assert.Equal(2, r.Diagnostics.Counted);
        Assert.Equal(3, r.Diagnostics.Malformed);
        Assert.Equal(
            [$"{path}:3: expected 14 fields, found 7", $"{path}:5: start is not an integer (epoch seconds)",
                $"{path}:6: srcaddr is not an IP address"],
            r.Diagnostics.MalformedSamples);
    }

    [Theory]
    [MemberData(nameof(AllModes))]
    public void A_line_as_wide_as_a_record_whose_action_is_none_is_malformed_not_a_record(TokenizerMode mode)
    {
        // After the header line: fourteen words of prose (the v2 layout's width), a line of another log with a
        // doubled blank, then one record of each action. Only the prose and the other log's line are malformed, and
        // they are not records.
        using var dir = new TempDir();
        string text = new FlowLines()
            .Raw("the quick brown fox jumps over the lazy dog and then it runs far")
            .Raw($"2 123456789012 eni-1 10.0.0.1 8.8.8.8 1 2 6 1 40 {T} {T}  DROPPED OK")
            .Add(T, "10.0.0.1", "8.8.8.8")
            .Raw($"2 123456789012 eni-1 10.0.0.1 8.8.8.8 1 2 6 1 40 {T} {T} ACCEPT OK")
            .Raw($"2 123456789012 eni-1 - - - - - - - {T} {T} - NODATA")
            .ToString();
        string path = dir.Write("mixed.log", text);
        var r = Scan.Files([path], mode);
        Assert.Equal(1, r.Diagnostics.Counted);
        Assert.Equal(2, r.Diagnostics.Malformed);
        Assert.Equal(
            [$"{path}:2: action 'runs' is not ACCEPT, REJECT or -",
                $"{path}:3: action 'DROPPED' is not ACCEPT, REJECT or -"],
            r.Diagnostics.MalformedSamples);
        Assert.Equal(3, r.Diagnostics.Parsed);
    }

    [Theory]
    [MemberData(nameof(AllModes))]
    public void Crlf_lines_and_a_missing_final_newline_are_read(TokenizerMode mode)
    {
        using var dir = new TempDir();
        string text = FlowLines.Header + "\r\n" +
            $"2 1 eni-1 10.0.0.1 8.8.8.8 1 2 6 1 40 {T} {T} REJECT OK\r\n" +
            $"2 1 eni-1 10.0.0.1 8.8.4.4 1 2 6 1 40 {T} {T} REJECT OK";
        var r = Scan.Text(text, dir, mode);
        Assert.Equal(2, r.Diagnostics.Counted);
        Assert.Equal(0, r.Diagnostics.Malformed);
    }

    [Theory]
    [MemberData(nameof(AllModes))]
    public void Lines_spanning_buffer_boundaries_are_reassembled(TokenizerMode mode)
    {
        using var dir = new TempDir();
        var lines = new FlowLines();
        for (int i = 0; i < 500; i++)
            lines.Add(T + i, "10.0.0." + (i % 200 + 1), "8.8." + (i % 7) + ".8");
        // A 200-byte buffer forces a carry-over on almost every read.
        var small = Scan.Text(lines.ToString(), dir, mode, bufferSize: 200);
        var large = Scan.Text(lines.ToString(), dir, mode);
        Assert.Equal(500, small.Diagnostics.Counted);
        Assert.Equal(0, small.Diagnostics.Malformed);
        Assert.Equal(large.Partial.TotalRecords, small.Partial.TotalRecords);
    }

    [Fact]
    public void An_overlong_line_is_reported_and_skipped_in_bounded_memory()
    {
        using var dir = new TempDir();
        string text =
            new FlowLines().Add(T, "10.0.0.1", "8.8.8.8").Raw(new string('x', 5000)).Add(T, "10.0.0.2", "8.8.8.8")
            .ToString();
        var r = Scan.Text(text, dir, bufferSize: 1024);
        Assert.Equal(2, r.Diagnostics.Counted);
        Assert.Equal(1, r.Diagnostics.Malformed);
        Assert.Contains(":3: line too long", Assert.Single(r.Diagnostics.MalformedSamples), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Gzip_files_are_recognised_by_content_not_name(bool inflateWhole)
    {
        using var dir = new TempDir();
        string path = dir.File("no-extension");
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            gz.Write(Encoding.ASCII.GetBytes(new FlowLines().Add(T, "10.0.0.1", "8.8.8.8", count: 5).ToString()));
        Assert.Equal(5, Scan.Files([path], inflateWhole: inflateWhole).Diagnostics.Counted);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_truncated_gzip_is_an_error_that_names_the_file(bool inflateWhole)
    {
        using var dir = new TempDir();
        var lines = new FlowLines();
        var rng = new Random(5);
        for (int i = 0; i < 20000; i++)
            lines.Add(T + rng.Next(3600), "10.0.0." + rng.Next(1, 250), "8.8." + rng.Next(255) + "." + rng.Next(255));
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
            gz.Write(Encoding.ASCII.GetBytes(lines.ToString()));
        string path = dir.File("cut.log.gz");
        File.WriteAllBytes(path, ms.ToArray()[..(int)(ms.Length / 2)]);
        var e = Assert.Throws<FlowInputException>(() => Scan.Files([path], inflateWhole: inflateWhole));
        Assert.Contains("cut.log.gz", e.Message, StringComparison.Ordinal);
    }

    private static byte[] Gzip(string text)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
            gz.Write(Encoding.ASCII.GetBytes(text));
        return ms.ToArray();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Concatenated_gzip_members_and_zero_padding_are_read_whole(bool inflateWhole)
    {
        using var dir = new TempDir();
        string path = dir.File("multi.gz");
        byte[] first = Gzip(new FlowLines().Add(T, "10.0.0.1", "8.8.8.8", count: 3).ToString());
        byte[] second = Gzip(new FlowLines(header: false).Add(T, "10.0.0.2", "8.8.8.8", count: 4).ToString());
        File.WriteAllBytes(path, [.. first, .. second, .. new byte[100]]);
        var r = Scan.Files([path], inflateWhole: inflateWhole);
        Assert.Equal(7, r.Diagnostics.Counted);
        Assert.Equal(0, r.Diagnostics.Malformed);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_gzip_with_a_wrong_checksum_is_an_error(bool inflateWhole)
    {
        using var dir = new TempDir();
        byte[] data = Gzip(new FlowLines().Add(T, "10.0.0.1", "8.8.8.8", count: 3).ToString());
        data[^8] ^= 0xff; // corrupt the CRC-32 in the trailer
        string path = dir.File("crc.gz");
        File.WriteAllBytes(path, data);
        var e = Assert.Throws<FlowInputException>(() => Scan.Files([path], inflateWhole: inflateWhole));
        Assert.Contains("crc.gz", e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated or corrupt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_content_is_refused_by_name()
    {
        using var dir = new TempDir();
        string path = dir.File("blob.bin");
        File.WriteAllBytes(path, [1, 2, 0, 4, 5, 0, 7]);
        var e = Assert.Throws<FlowInputException>(() => Scan.Files([path]));
        Assert.Contains("blob.bin", e.Message, StringComparison.Ordinal);
        Assert.Contains("binary", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_input_is_named()
    {
        var e = Assert.Throws<FlowInputException>(() => InputSet.Expand(["/nonexistent/flows"]));
        Assert.Contains("/nonexistent/flows", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Directories_are_read_recursively()
    {
        using var dir = new TempDir();
        dir.Write("a/b/c.log", new FlowLines().Add(T, "10.0.0.1", "8.8.8.8", count: 3).ToString());
        dir.Write("a/d.log", new FlowLines(header: false).Add(T, "10.0.0.1", "8.8.8.8", count: 4).ToString());
        var r = Scan.Files([dir.Path]);
        Assert.Equal(2, r.Diagnostics.Files);
        Assert.Equal(7, r.Diagnostics.Counted);
    }

    [Fact]
    public void Selection_follows_spec_section_1()
    {
        using var dir = new TempDir();
        string text = new FlowLines()
            .Add(T, "10.0.0.1", "8.8.8.8")              // counts
            .Add(T, "172.31.255.255", "2600:1f18::1")   // counts: IPv6 destination outside
            .Add(T, "192.168.1.1", "172.32.0.1")        // counts: 172.32 is not RFC1918
            .Add(T, "10.0.0.1", "8.8.8.8", "ACCEPT")    // allowed
            .Add(T, "10.0.0.1", "10.9.9.9")             // internal to internal
            .Add(T, "8.8.8.8", "10.0.0.1")              // inbound
            .Add(T, "172.32.0.1", "8.8.8.8")            // source not internal
            .Add(T, "10.0.0.1", "-")                    // no destination
            .Add(T, "10.0.0.1", "010.0.0.1")            // not an address
            .Add(T, "fd00::1", "2600:1f18::1")          // IPv6 source
            .Raw($"2 123456789012 eni-1 - - - - - - - {T} {T} - NODATA")
            .Raw($"2 123456789012 eni-1 - - - - - - - {T} {T} - SKIPDATA")
            .ToString();
        var r = Scan.Text(text, dir);
        Assert.Equal(3, r.Diagnostics.Counted);
        Assert.Equal(0, r.Diagnostics.Malformed);
    }
}
