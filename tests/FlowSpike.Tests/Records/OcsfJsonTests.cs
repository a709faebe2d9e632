using System.IO.Compression;
using FlowSpike.Aggregation;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Records;

/// <summary>
/// CloudWatch Logs events whose message is an OCSF Network Activity object (the parseToOCSF transformer, OCSF 1.1 in
/// a subscription payload, OCSF 1.5 in `aws logs filter-log-events` output) are read as the same flow records as their
/// text twin (tests/FlowSpike.Tests/Fixtures/formats/ocsf-twin.log holds the six records as a version-5 text log).
/// </summary>
public class OcsfJsonTests
{
    private const long T0 = 1_790_812_800;

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "formats", name);

    public static TheoryData<string> Payloads() =>
        new() { "ocsf-1.1-subscription.json", "ocsf-1.5-filter-log-events.json" };

    private static string Fingerprint(ScanResult r) =>
        string.Join(";", r.Partial.Windows.OrderBy(w => w.Key).SelectMany(w => w.Value.OrderBy(s => s.Key).Select(s =>
            $"{w.Key}/{s.Key}={s.Value.Count}[{string.Join(",", s.Value.Destinations!.Order(StringComparer.Ordinal))}]"
            + $"[{string.Join(",", s.Value.Interfaces!.Order(StringComparer.Ordinal))}]")));

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Ocsf_messages_are_the_records_of_their_text_twin(string payload)
    {
        var twin = Scan.Files([Fixture("ocsf-twin.log")]);
        Assert.Equal(0, twin.Diagnostics.Malformed);
        // Of the six records: two REJECTs from 10.0.0.5 to the internet in the first hour, one from 10.0.0.9 in the
        // second; an ACCEPT, an inbound REJECT and an internal destination are not counted.
        Assert.Equal(3, twin.Diagnostics.Counted);

        var r = Scan.Files([Fixture(payload)]);
        Assert.Equal(0, r.Diagnostics.Malformed);
        Assert.Equal(6, r.Diagnostics.Parsed);
        Assert.Equal(3, r.Diagnostics.Counted);
        Assert.Equal(Fingerprint(twin), Fingerprint(r));
        var first = r.Partial.SourcesIn(T0)[Ipv4("10.0.0.5")];
        Assert.Equal(["203.0.113.1", "203.0.113.2"], first.Destinations!.Order(StringComparer.Ordinal));
        Assert.Equal(["eni-0aaa0000000000001"], first.Interfaces!);
        Assert.Equal(1, r.Partial.SourcesIn(T0 + 3600)[Ipv4("10.0.0.9")].Count);
    }

    [Fact]
    public void A_gzipped_subscription_payload_is_read_too()
    {
        using var dir = new TempDir();
        string gz = dir.File("payload.gz");
        using (var output = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
            output.Write(File.ReadAllBytes(Fixture("ocsf-1.1-subscription.json")));
        var r = Scan.Files([gz]);
        Assert.Equal(3, r.Diagnostics.Counted);
        Assert.Equal(Fingerprint(Scan.Files([Fixture("ocsf-twin.log")])), Fingerprint(r));
    }

    [Fact]
    public void An_ocsf_event_of_another_class_or_without_addresses_is_a_located_malformed_record()
    {
        using var dir = new TempDir();
        string Event(string body) => System.Text.Json.JsonSerializer.Serialize(new { message = body });
        long ms = (T0 + 1) * 1000;
        string ok = """{"class_uid":4001,"src_endpoint":{"ip":"10.0.0.5"},"dst_endpoint":{"ip":"203.0.113.1"},"time":"""
            + ms.ToString(System.Globalization.CultureInfo.InvariantCulture) + ""","disposition_id":2}""";
        string text = Event(ok) + "\n"
            + Event("""{"class_uid":4003,"src_endpoint":{"ip":"10.0.0.5"},"dst_endpoint":{"ip":"203.0.113.1"}}""")
            + "\n"
            + Event("""{"class_uid":4001,"dst_endpoint":{"ip":"203.0.113.1"},"disposition_id":2}""") + "\n"
            + Event("""{"class_uid":4001,"src_endpoint":{"ip":"10.0.0.5"},"dst_endpoint":{"ip":"8.8.8.8"}}""") + "\n"
            + Event("{\"class_uid\":4001,") + "\n";
        string path = dir.Write("events.json", text);
        var r = Scan.Files([path]);
        Assert.Equal(1, r.Diagnostics.Counted);
        Assert.Equal(4, r.Diagnostics.Malformed);
        Assert.Equal(
            [
                $"{path}:2: OCSF class_uid 4003 is not Network Activity (4001)",
                $"{path}:3: OCSF event without src_endpoint.ip",
                $"{path}:4: OCSF event without disposition, disposition_id, activity_id or action_id",
            ],
            r.Diagnostics.MalformedSamples.Take(3));
        Assert.StartsWith(
            $"{path}:5: message is not valid JSON", r.Diagnostics.MalformedSamples[3], StringComparison.Ordinal);
    }

    private static uint Ipv4(string s) =>
        FlowSpike.Selection.Ipv4.TryParse(s, out uint v) ? v : throw new ArgumentException(s);
}
