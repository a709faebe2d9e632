using System.IO.Compression;
using FlowSpike.Aggregation;
using FlowSpike.Records;
using FlowSpike.Synth;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Records;

/// <summary>
/// A Transit Gateway flow log or another object FlowSpike cannot read, in the middle of a prefix: without
/// --skip-unsupported the run stops with one line naming it; with it the object is skipped, counted and warned about,
/// and everything else is counted exactly as without the object.
/// </summary>
public class SkipUnsupportedTests
{
    private const long T0 = 1_790_812_800;

    private static string Tgw => Path.Combine(AppContext.BaseDirectory, "Fixtures", "formats", "tgw-flow.log");

    /// <summary>
    /// Two VPC objects (3 blocked outbound records in all), a TGW object, a gzipped TGW and a binary object.
    /// </summary>
    private static (string Prefix, string Clean) Prefix(TempDir dir)
    {
        var a = new FlowLines().Add(T0 + 60, "10.0.0.5", "203.0.113.1").Add(T0 + 61, "10.0.0.5", "203.0.113.2");
        var b = new FlowLines().Add(T0 + 62, "10.0.0.7", "203.0.113.3")
            .Add(T0 + 63, "10.0.0.7", "203.0.113.4", "ACCEPT");
        foreach (string folder in new[] { "prefix", "clean" })
        {
            dir.Write($"{folder}/a.log", a.ToString());
            dir.Write($"{folder}/b.log", b.ToString());
        }
        File.Copy(Tgw, dir.File("prefix/tgw.log"));
        using (var gz = new GZipStream(File.Create(dir.File("prefix/tgw.log.gz")), CompressionLevel.Fastest))
            gz.Write(File.ReadAllBytes(Tgw));
        File.WriteAllBytes(dir.File("prefix/picture.bin"), [0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3]);
        return (dir.File("prefix"), dir.File("clean"));
    }

    private static ScanResult ScanWith(string path, bool skip, int threads = 2) =>
        FlowScanner.Scan(InputSet.Expand([path]), new ScanOptions
        {
            From = 0,
            To = 4_000_000_000,
            WindowSeconds = 3600,
            KeepDetails = true,
            Threads = threads,
            SkipUnsupported = skip,
        }, TestContext.Current.CancellationToken);

    [Fact]
    public void Without_the_flag_the_scan_stops_naming_the_object()
    {
        using var dir = new TempDir();
        var (prefix, _) = Prefix(dir);
        var e = Assert.Throws<FlowInputException>(() => ScanWith(prefix, skip: false, threads: 1));
        Assert.True(e.Unsupported);
        Assert.DoesNotContain('\n', e.Message);
        // The library names the setting; the CLI shows it as its flag.
        Assert.Contains("(SkipUnsupported skips such objects)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(--skip-unsupported skips such objects)", e.Render(p => p == "SkipUnsupported"
            ? "--skip-unsupported" : p), StringComparison.Ordinal);
        Assert.Matches(
            @"(tgw\.log(\.gz)?: line 1: unusable header: this is a Transit Gateway flow log"
            + @"|picture\.bin: content is binary)",
            e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void With_the_flag_unsupported_objects_are_skipped_and_counted(int threads)
    {
        using var dir = new TempDir();
        var (prefix, clean) = Prefix(dir);
        var skipped = ScanWith(prefix, skip: true, threads);
        var reference = ScanWith(clean, skip: false, threads);
        Assert.Equal(3, skipped.Diagnostics.Skipped.Count);
        var unsupported = skipped.Diagnostics.Skipped;
        Assert.Equal(2, unsupported.Count(u => u.Message.Contains("Transit Gateway", StringComparison.Ordinal)
            && u.Reason == SkipReason.UnsupportedLogType));
        Assert.Single(unsupported, u => u.Message.Contains("picture.bin: content is binary", StringComparison.Ordinal)
            && u.Reason == SkipReason.OtherFormat);
        // Nothing else changes: the same counts as the prefix without those objects.
        Assert.Equal(3, skipped.Diagnostics.Counted);
        Assert.Equal(reference.Diagnostics.Counted, skipped.Diagnostics.Counted);
        Assert.Equal(reference.Diagnostics.Malformed, skipped.Diagnostics.Malformed);
        Assert.Equal(reference.Diagnostics.Parsed, skipped.Diagnostics.Parsed);
        Assert.Equal(2, skipped.Partial.SourcesIn(T0)[Ipv4("10.0.0.5")].Count);
        Assert.Equal(1, skipped.Partial.SourcesIn(T0)[Ipv4("10.0.0.7")].Count);
    }

    [Fact]
    public void A_large_tgw_object_that_would_be_split_is_skipped_too()
    {
        using var dir = new TempDir();
        var lines = File.ReadAllLines(Tgw);
        var text = new System.Text.StringBuilder(lines[0]).Append('\n');
        for (int i = 0; i < 200; i++)
            text.Append(lines[1]).Append('\n');
        string path = dir.Write("big-tgw.log", text.ToString());
        var r = FlowScanner.Scan(InputSet.Expand([path]), new ScanOptions
        {
            From = 0,
            To = 4_000_000_000,
            WindowSeconds = 3600,
            Threads = 2,
            SegmentBytes = 4096,
            SkipUnsupported = true,
        }, TestContext.Current.CancellationToken);
        Assert.Single(r.Diagnostics.Skipped);
        Assert.Equal(0, r.Diagnostics.Counted);
    }

    [Fact]
    public void The_cli_stops_without_the_flag_and_warns_with_it()
    {
        using var dir = new TempDir();
        var (prefix, clean) = Prefix(dir);
        string[] Args(string input, string state) =>
            ["baseline", "--input", input, "--state", dir.File(state), "--from", "2026-10-01T00:00:00Z",
             "--to", "2026-10-02T00:00:00Z"];
        var stopped = Support.Cli.Run(Args(prefix, "s1.db"));
        Assert.NotEqual(0, stopped.ExitCode);
        string error = stopped.Stderr.Trim();
        Assert.Single(error.Split('\n'));
        Assert.Contains("--skip-unsupported", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);

        var skipped = Support.Cli.Run([.. Args(prefix, "s2.db"), "--skip-unsupported"]);
        Assert.Equal(0, skipped.ExitCode);
        Assert.Contains(
            "3 object(s) skipped as not flow logs (--skip-unsupported): another format: 1, unsupported log type: 2",
            skipped.Stderr, StringComparison.Ordinal);
        var reference = Support.Cli.Run(Args(clean, "s3.db"));
        Assert.Equal(0, reference.ExitCode);
        Assert.Equal(Counted(reference.Stderr), Counted(skipped.Stderr));
    }

    /// <summary>
    /// CloudWatch Logs subscription payloads (the default format in each event's message) with one payload whose
    /// events are all prose: detect stops before committing without the flag, and with it alerts exactly as on the
    /// folder without that payload.
    /// </summary>
    [Fact]
    public void A_prose_cloudwatch_payload_stops_detect_or_is_skipped_with_the_same_alerts()
    {
        using var dir = new TempDir();
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        Directory.CreateDirectory(dir.File("clean"));
        Directory.CreateDirectory(dir.File("mixed"));
        int n = 0;
        foreach (string f in Directory.EnumerateFiles(set.Logs, "*", SearchOption.AllDirectories).Order())
        {
            using var text = new StreamReader(f.EndsWith(".gz", StringComparison.Ordinal)
                ? new GZipStream(File.OpenRead(f), CompressionMode.Decompress) : File.OpenRead(f));
            string[] lines = text.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var events = lines.Skip(1).Select((line, i) => new Dictionary<string, object>
            {
                ["id"] = $"{n}-{i}",
                ["timestamp"] = 1_790_812_800_000L,
                ["message"] = line,
            }).ToList();
            byte[] payload = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
            {
                ["messageType"] = "DATA_MESSAGE",
                ["owner"] = "123456789012",
                ["logGroup"] = "/vpc/flow",
                ["logStream"] = $"eni-{n}",
                ["subscriptionFilters"] = new[] { "all" },
                ["logEvents"] = events,
            });
            foreach (string folder in new[] { "clean", "mixed" })
            {
                using var gz = new GZipStream(File.Create(dir.File($"{folder}/payload-{n:D4}.json.gz")),
                    CompressionLevel.Fastest);
                gz.Write(payload);
            }
            n++;
        }
        Assert.True(n > 100, $"only {n} payloads");
        const string prose =
            """{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/vpc/flow","logStream":"app",""" +
            """ "logEvents":[{"id":"p1","timestamp":1791417600000,"message":"connection pool resized to 8"}]}""";
        using (var gz = new GZipStream(File.Create(dir.File("mixed/payload-prose.json.gz")), CompressionLevel.Fastest))
            gz.Write(System.Text.Encoding.UTF8.GetBytes(prose));

        string Iso(long t) => DateTimeOffset.FromUnixTimeSeconds(t).ToString("yyyy-MM-ddTHH:mm:ssZ",
            System.Globalization.CultureInfo.InvariantCulture);
        var baseline = Support.Cli.Run("baseline", "--input", dir.File("clean"), "--state", dir.File("s.db"),
            "--from", Iso(SynthData.From), "--to", Iso(SynthData.BaselineEnd));
        Assert.True(baseline.ExitCode == 0, baseline.Stderr);
        foreach (string copy in new[] { "stopped.db", "clean.db" })
            File.Copy(dir.File("s.db"), dir.File(copy));
        string[] Detect(string input, string state, params string[] more) =>
            ["detect", "--input", dir.File(input), "--state", dir.File(state), "--from", Iso(SynthData.BaselineEnd),
             "--to", Iso(SynthData.End), .. more];

        var stopped = Support.Cli.Run(Detect("mixed", "stopped.db"));
        Assert.Equal(1, stopped.ExitCode);
        string error = Assert.Single(stopped.Stderr.Trim().Split('\n'));
        Assert.StartsWith("flowspike: error: ", error, StringComparison.Ordinal);
        Assert.Contains("payload-prose.json.gz: not a flow log", error, StringComparison.Ordinal);
        Assert.Contains("--skip-unsupported", error, StringComparison.Ordinal);
        Assert.Equal("", stopped.Stdout);
        // The stopped run committed nothing: the same state, given the flag, alerts on every window.
        var skipped = Support.Cli.Run(Detect("mixed", "stopped.db", "--skip-unsupported"));
        var clean = Support.Cli.Run(Detect("clean", "clean.db"));
        Assert.True(skipped.ExitCode == 0, skipped.Stderr);
        Assert.True(clean.ExitCode == 0, clean.Stderr);
        Assert.Contains("1 object(s) skipped as not flow logs (--skip-unsupported): no flow-log line: 1",
            skipped.Stderr, StringComparison.Ordinal);
        string[] alerts = skipped.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(alerts.Length >= 4, $"{alerts.Length} alert(s)");
        Assert.Equal(clean.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), alerts);
    }

    private static string Counted(string stderr) =>
        System.Text.RegularExpressions.Regex.Match(stderr, @"(\d+) blocked outbound record\(s\) counted")
            .Groups[1].Value;

    private static uint Ipv4(string s) =>
        FlowSpike.Selection.Ipv4.TryParse(s, out uint v) ? v : throw new ArgumentException(s);
}
