using System.IO.Compression;
using System.Text.Json;
using FlowSpike.Records;
using FlowSpike.State;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Records;

/// <summary>
/// The flow logs in tests/Fixtures/flowlogs (written for these tests from AWS's field tables) are read correctly or
/// refused with a clear reason. Expected counts come from the test's own tally of the records in each file.
/// </summary>
public class SampleFileTests
{
    private const string DefaultHeader = FlowFieldNames.DefaultFormat;

    private static string[] Records(string file) => [.. File.ReadAllLines(Samples.FlowLog(file)).Skip(1)];

    private static List<TallyRecord> Tally(string file) =>
        FlowTally.FromText(Records(file), File.ReadLines(Samples.FlowLog(file)).First());

    /// <summary>The messages of a CloudWatch Logs subscription payload, as the test reads them.</summary>
    private static string[] Messages(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Samples.FlowLog(file)));
        return [.. doc.RootElement.GetProperty("logEvents").EnumerateArray()
            .Select(e => e.GetProperty("message").GetString()!)];
    }

    [Fact]
    public void Default_v2_log_with_header_counts_what_the_test_tallies()
    {
        var expected = FlowTally.Expected(Tally("default-v2.log"));
        // The file holds blocked outbound records in two windows, and every kind that must not count.
        Assert.Equal(2, expected.Count);
        var r = Scan.Files([Samples.FlowLog("default-v2.log")]);
        Assert.Equal(Records("default-v2.log").Length, r.Diagnostics.Lines);
        Assert.Equal(0, r.Diagnostics.Malformed); // NODATA and SKIPDATA records are skipped, not malformed
        Assert.Equal(expected.Values.SelectMany(w => w.Values).Sum(s => long.Parse(s.Split(';')[0],
            System.Globalization.CultureInfo.InvariantCulture)), r.Diagnostics.Counted);
        Assert.Equal(expected, FlowTally.Actual(r));
    }

    [Fact]
    public void Gzip_file_reads_as_the_text_it_holds()
    {
        using var dir = new TempDir();
        string gz = dir.File("default-v2.log.gz");
        using (var output = new GZipStream(File.Create(gz), CompressionLevel.Optimal))
        using (var input = File.OpenRead(Samples.FlowLog("default-v2.log")))
            input.CopyTo(output);
        var r = Scan.Files([gz]);
        Assert.Equal((Records("default-v2.log").Length, 0L), (r.Diagnostics.Lines, r.Diagnostics.Malformed));
        Assert.Equal(FlowTally.Expected(Tally("default-v2.log")), FlowTally.Actual(r));
    }

    [Fact]
    public void Ecs_v7_header_with_ecs_fields_is_read()
    {
        var expected = FlowTally.Expected(Tally("ecs-v7.log"));
        Assert.Equal(2, Assert.Single(expected).Value.Count); // the ECS task's host and the host without ECS fields
        var r = Scan.Files([Samples.FlowLog("ecs-v7.log")]);
        Assert.Equal((3L, 0L), (r.Diagnostics.Lines, r.Diagnostics.Malformed));
        Assert.Equal(expected, FlowTally.Actual(r));
    }

    [Fact]
    public void Transit_gateway_log_is_refused_with_the_reason()
    {
        var e = Assert.Throws<FlowInputException>(() => Scan.Files([Samples.FlowLog("transit-gateway.log")]));
        Assert.Contains("transit-gateway.log", e.Message, StringComparison.Ordinal);
        Assert.Contains("Transit Gateway", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CloudWatch_subscription_payload_in_the_default_format_is_read()
    {
        var expected = FlowTally.Expected(FlowTally.FromText(Messages("cloudwatch-subscription.json"), DefaultHeader));
        Assert.NotEmpty(expected);
        var r = Scan.Files([Samples.FlowLog("cloudwatch-subscription.json")]);
        Assert.Equal(Messages("cloudwatch-subscription.json").Length, r.Diagnostics.Lines);
        Assert.Equal(0, r.Diagnostics.Malformed);
        Assert.Equal(expected, FlowTally.Actual(r));
    }

    [Fact]
    public void Custom_four_field_cloudwatch_format_is_reported_not_guessed()
    {
        // version interface-id srcaddr dstaddr: without --log-format no line fits the default layout, so the
        // object is not a flow log (NotFlowLog), named with the field counts...
        var e = Assert.Throws<FlowInputException>(() =>
            Scan.Files([Samples.FlowLog("cloudwatch-subscription-custom.json")]));
        Assert.True(e.Unsupported);
        Assert.Equal(SkipReason.NoFlowLogLines, e.Reason);
        Assert.Contains("not a flow log", e.Message, StringComparison.Ordinal);
        Assert.Contains("the 14 space-separated fields of the default format (the first has 4)", e.Message,
            StringComparison.Ordinal);
        // ...and that layout cannot tell blocked traffic at all, which the format string check says.
        Assert.False(
            FlowLayout.TryFromFormatString("${version} ${interface-id} ${srcaddr} ${dstaddr}", out _,
                out string? error));
        Assert.Contains("action", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_cloudwatch_format_with_an_action_is_read_with_its_format_string()
    {
        const string Names = "version vpc-id interface-id srcaddr dstaddr start action flow-direction";
        string format = string.Join(' ', Names.Split(' ').Select(n => "${" + n + "}"));
        Assert.True(FlowLayout.TryFromFormatString(format, out var layout, out string? error), error);
        var expected = FlowTally.Expected(
            FlowTally.FromText(Messages("cloudwatch-subscription-custom-action.json"), Names));
        Assert.NotEmpty(expected);
        var r = Scan.Files([Samples.FlowLog("cloudwatch-subscription-custom-action.json")], layout: layout);
        Assert.Equal(0, r.Diagnostics.Malformed);
        Assert.Equal(expected, FlowTally.Actual(r));
    }

    [Theory]
    // The header of the empty lookup Splunk's security_content ships, and the header FlowSpike writes.
    [InlineData("src_ip,numDataPoints,latestCount,avgBlockedConnections,stdevBlockedConnections")]
    [InlineData("src_ip,latestCount,numDataPoints,avgBlockedConnections,stdevBlockedConnections")]
    public void A_lookup_with_only_a_header_imports_as_empty(string header)
    {
        using var dir = new TempDir();
        string path = dir.Write("baseline_blocked_outbound_connections.csv", header + "\n");
        using var reader = new StreamReader(path);
        Assert.Empty(LookupCsv.Read(reader, path));
    }
}
