using FlowSpike.Records;
using FlowSpike.State;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Records;

/// <summary>Every file in tests/Fixtures/third_party is read correctly or refused with a clear reason.</summary>
public class SampleFileTests
{
    [Fact]
    public void Loki_gzip_file_with_header_has_three_accept_records_and_none_counted()
    {
        var r = Scan.Files([Samples.Path_("loki/vpcflowlog.log.gz")]);
        Assert.Equal(3, r.Diagnostics.Lines);
        Assert.Equal(0, r.Diagnostics.Malformed);
        Assert.Equal(0, r.Diagnostics.Counted);
    }

    [Fact]
    public void Loki_records_count_once_rewritten_as_reject()
    {
        using var dir = new TempDir();
        using var gz =
            new System.IO.Compression.GZipStream(File.OpenRead(Samples.Path_("loki/vpcflowlog.log.gz")),
                System.IO.Compression.CompressionMode.Decompress);
        string text = new StreamReader(gz).ReadToEnd().Replace("ACCEPT", "REJECT", StringComparison.Ordinal);
        var r = Scan.Text(text, dir);
        // 10.26.1.153 -> 3.239.232.29 counts; the inbound record and the internal-to-internal one do not.
        Assert.Equal(1, r.Diagnostics.Counted);
        var window = Assert.Single(r.Partial.Windows);
        Assert.Equal(1669842000, window.Key);
        var (src, stats) = Assert.Single(window.Value);
        Assert.Equal("10.26.1.153", Selection.Ipv4.Format(src));
        Assert.Equal(["3.239.232.29"], stats.Destinations!);
        Assert.Equal(["eni-0050644426037aa0f"], stats.Interfaces!);
    }

    [Fact]
    public void Otel_nodata_record_is_skipped_not_malformed()
    {
        var r = Scan.Files([Samples.Path_("opentelemetry-collector-contrib/valid_vpc_flow_log.log")]);
        Assert.Equal(1, r.Diagnostics.Lines);
        Assert.Equal(0, r.Diagnostics.Malformed);
        Assert.Equal(0, r.Diagnostics.Counted);
    }

    [Fact]
    public void Otel_ecs_header_with_ecs_fields_is_read()
    {
        var r = Scan.Files([Samples.Path_("opentelemetry-collector-contrib/valid_vpc_flow_log_ecs.log")]);
        Assert.Equal(1, r.Diagnostics.Lines);
        Assert.Equal(0, r.Diagnostics.Malformed);
        Assert.Equal(0, r.Diagnostics.Counted); // ACCEPT, internal to internal
    }

    [Fact]
    public void Transit_gateway_log_is_refused_with_the_reason()
    {
        var e = Assert.Throws<FlowInputException>(() =>
            Scan.Files([Samples.Path_("opentelemetry-collector-contrib/valid_tgw_flow_log.log")]));
        Assert.Contains("valid_tgw_flow_log.log", e.Message, StringComparison.Ordinal);
        Assert.Contains("Transit Gateway", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CloudWatch_subscription_payload_is_read()
    {
        var r = Scan.Files([Samples.Path_("opentelemetry-collector-contrib/valid_vpc_flow_cw.json")]);
        Assert.Equal(2, r.Diagnostics.Lines);
        Assert.Equal(0, r.Diagnostics.Malformed);
        Assert.Equal(0, r.Diagnostics.Counted); // one ACCEPT, one REJECT between two internal addresses
    }

    [Fact]
    public void CloudWatch_subscription_payload_counts_once_the_reject_goes_outside()
    {
        using var dir = new TempDir();
        string text =
            File.ReadAllText(Samples.Path_("opentelemetry-collector-contrib/valid_vpc_flow_cw.json"))
            .Replace("172.31.9.12", "198.51.100.7", StringComparison.Ordinal);
        var r = Scan.Files([dir.Write("cw.json", text)]);
        Assert.Equal(1, r.Diagnostics.Counted);
        var (src, stats) = Assert.Single(Assert.Single(r.Partial.Windows).Value);
        Assert.Equal("172.31.9.69", Selection.Ipv4.Format(src));
        Assert.Equal(["eni-1235b8ca123456789"], stats.Interfaces!);
    }

    [Fact]
    public void Custom_four_field_cloudwatch_format_is_reported_not_guessed()
    {
        // version interface-id srcaddr dstaddr: without --log-format the lines do not fit the default layout...
        var r = Scan.Files([Samples.Path_("opentelemetry-collector-contrib/valid_vpc_flow_cw_custom.json")]);
        Assert.Equal(2, r.Diagnostics.Malformed);
        Assert.Contains("expected 14 fields, found 4", r.Diagnostics.MalformedSamples[0], StringComparison.Ordinal);
        // ...and that layout cannot tell blocked traffic at all, which the format string check says.
        Assert.False(
            FlowLayout.TryFromFormatString("${version} ${interface-id} ${srcaddr} ${dstaddr}", out _,
                out string? error));
        Assert.Contains("action", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ocsf-1.1.0-vpc_flow-input0.parquet")]
    [InlineData("ocsf-1.0.0-rc.2-example0.gz.parquet")]
    public void Security_lake_ocsf_samples_are_mapped(string file)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "security_lake", file);
        // With RFC1918 internal, the inbound REJECT from 1.2.3.4 does not count.
        var r = Scan.Files([path]);
        Assert.Equal((1, 0, 0), (r.Diagnostics.Lines, r.Diagnostics.Malformed, r.Diagnostics.Counted));
        // Declare 1.0.0.0/8 internal and it is a blocked outbound record: this checks every mapped column.
        r = Scan.Files([path], @internal: Selection.CidrSet.Parse(["1.0.0.0/8"]));
        Assert.Equal(1, r.Diagnostics.Counted);
        var (window, sources) = Assert.Single(r.Partial.Windows);
        Assert.Equal(1649721600, window); // 1649721732000 ms, floored to the hour
        var (src, stats) = Assert.Single(sources);
        Assert.Equal("1.2.3.4", Selection.Ipv4.Format(src));
        Assert.Equal(["172.31.2.52"], stats.Destinations!);
        Assert.Equal(["eni-000000000000000000"], stats.Interfaces!);
    }

    [Fact]
    public void Shipped_lookup_with_only_a_header_imports_as_empty()
    {
        string path = Samples.Path_("security_content/baseline_blocked_outbound_connections.csv");
        using var reader = new StreamReader(path);
        Assert.Empty(LookupCsv.Read(reader, path));
    }
}
