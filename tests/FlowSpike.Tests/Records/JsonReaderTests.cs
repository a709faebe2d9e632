using System.IO.Compression;
using System.Text;
using FlowSpike.Records;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Records;

/// <summary>The JSON shapes flow logs arrive in, each with one counted record and the noise around it.</summary>
public class JsonReaderTests
{
    private const string Blocked =
        "2 123456789012 eni-0a1 10.0.0.5 198.51.100.7 40000 443 6 1 40 1700000000 1700000060 REJECT OK";
    private const string Allowed =
        "2 123456789012 eni-0a1 10.0.0.5 198.51.100.7 40000 443 6 1 40 1700000000 1700000060 ACCEPT OK";

    private static byte[] Gzip(string text) => Gzip(Encoding.UTF8.GetBytes(text));

    private static byte[] Gzip(byte[] content)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
            gz.Write(content);
        return ms.ToArray();
    }

    private static Aggregation.ScanResult ScanBytes(byte[] content, TempDir dir) =>
        Scan.Files([WriteBytes(dir, content)]);

    private static string WriteBytes(TempDir dir, byte[] content)
    {
        string path = dir.File(Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, content);
        return path;
    }

    [Fact]
    public void Get_log_events_output()
    {
        using var dir = new TempDir();
        string json =
            $$"""{"events":[{"timestamp":1,"message":"{{Blocked}}","ingestionTime":2},"""
            + $$"""{"timestamp":1,"message":"{{Allowed}}","ingestionTime":2}]"""
            + ""","nextForwardToken":"f/1","nextBackwardToken":"b/1"}""";
        var r = ScanBytes(Encoding.UTF8.GetBytes(json), dir);
        Assert.Equal((2L, 1L, 0L), (r.Diagnostics.Lines, r.Diagnostics.Counted, r.Diagnostics.Malformed));
    }

    [Fact]
    public void Firehose_message_objects_concatenated_without_newlines_and_double_gzipped()
    {
        using var dir = new TempDir();
        string objects = $$"""{"message":"{{Blocked}}"}{"message":"{{Allowed}}"}{"message":"{{Blocked}}"}""";
        var r = ScanBytes(Gzip(Gzip(objects)), dir);
        Assert.Equal((3L, 2L, 0L), (r.Diagnostics.Lines, r.Diagnostics.Counted, r.Diagnostics.Malformed));
    }

    [Fact]
    public void Control_messages_are_ignored()
    {
        using var dir = new TempDir();
        string control =
            """{"messageType":"CONTROL_MESSAGE","owner":"Cloudwatch"""
            + """Logs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1"""
            + ""","message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}""";
        string data =
            $$"""{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","timestamp":1,"message":"{{Blocked}}"}]}""";
        var r = ScanBytes([.. Gzip(control), .. Gzip(data)], dir);
        Assert.Equal((1L, 1L, 0L), (r.Diagnostics.Lines, r.Diagnostics.Counted, r.Diagnostics.Malformed));
    }

    [Fact]
    public void Escaped_strings_are_unescaped()
    {
        using var dir = new TempDir();
        string json = "{\"message\":\"" + Blocked.Replace("REJECT", "\\u0052EJECT", StringComparison.Ordinal) + "\"}";
        Assert.Equal(1, ScanBytes(Encoding.UTF8.GetBytes(json), dir).Diagnostics.Counted);
    }

    [Fact]
    public void Truncated_json_is_an_error_naming_the_file()
    {
        using var dir = new TempDir();
        string path = WriteBytes(dir, Encoding.UTF8.GetBytes($$"""{"events":[{"message":"{{Blocked}}"},{"mess"""));
        var e = Assert.Throws<FlowInputException>(() => Scan.Files([path]));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Input_format_can_be_forced()
    {
        using var dir = new TempDir();
        // A text file whose first record starts with '[' would look like JSON; --input-format text reads it as text
        // (the version field is not checked, so both records count).
        string path = dir.Write("odd.log", "[" + Blocked + "\n" + Blocked + "\n");
        var forced = Aggregation.FlowScanner.Scan(InputSet.Expand([path]), new Aggregation.ScanOptions
        {
            From = 0,
            To = 4_000_000_000,
            WindowSeconds = 3600,
            Format = InputFormat.Text,
        }, TestContext.Current.CancellationToken);
        Assert.Equal((2L, 2L, 0L),
            (forced.Diagnostics.Lines, forced.Diagnostics.Counted, forced.Diagnostics.Malformed));
        Assert.Throws<FlowInputException>(() => Scan.Files([path]));
    }
}
