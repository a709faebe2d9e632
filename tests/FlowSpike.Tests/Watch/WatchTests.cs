using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Synth;
using FlowSpike.Tests.Support;
using FlowSpike.Watch;

namespace FlowSpike.Tests.Watch;

/// <summary>watch closes windows by the clock, counts every file once, and never lets late data change a closed
/// window.</summary>
public class WatchTests
{
    private static long H(int hours) => SynthData.BaselineEnd + hours * 3600L;

    /// <summary>The synthetic files whose name stamps fall in [from, to), in order.</summary>
    private static List<string> FilesStamped(SynthData.DataSet set, long from, long to) =>
        [.. Directory.EnumerateFiles(set.Logs, "*", SearchOption.AllDirectories)
            .Where(f => DatePrefix.FileStamp(Path.GetFileName(f)) is { } s && s >= from && s < to)
            .Order(StringComparer.Ordinal)];

    private static void CopyInto(string dir, IEnumerable<string> files)
    {
        foreach (string f in files)
            File.Copy(f, Path.Combine(dir, Path.GetFileName(f)), overwrite: true);
    }

    private static WatchMetrics Poll(string state, string input, string alerts, long clock, TempDir dir)
    {
        string clockFile = dir.Write("clock", clock.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var metrics = new WatchMetrics();
        using var store = SqliteStateStore.Open(state);
        using var sink = new FileAlertSink(alerts);
        WatchRun.Execute(store, new InputOptions { Inputs = [input] },
            new WatchRequest { Once = true, ClockFile = clockFile, LatenessSeconds = 600 },
            sink, NullRunLog.Instance, metrics, TestContext.Current.CancellationToken);
        return metrics;
    }

    /// <summary>A state baselined on the synthetic data's first week, and an empty incoming folder.</summary>
    private static (SynthData.DataSet Set, string State, string Alerts, string Input) Baselined(TempDir dir)
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        string state = dir.File("watch.db"), alerts = dir.File("watch.jsonl"), input = dir.File("incoming");
        Directory.CreateDirectory(input);
        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd);
        return (set, state, alerts, input);
    }

    /// <summary>
    /// The same windows through detect (a fresh baseline, then detect over <paramref name="input"/> up to
    /// <paramref name="to"/>) give watch's alerts and lookup; returns detect's alert file.
    /// </summary>
    private static string AssertSameAsDetect(SynthData.DataSet set, string input, long to, string state,
        string alerts, TempDir reference)
    {
        string refState = reference.File("ref.db"), refAlerts = reference.File("ref.jsonl");
        Pipeline.Baseline(refState, set.Logs, SynthData.From, SynthData.BaselineEnd);
        Pipeline.Detect(refState, input, refAlerts, new DetectRequest { From = H(0), To = to });
        Assert.Equal(File.ReadAllText(refAlerts), File.ReadAllText(alerts));
        Assert.Equal(LookupCsv.ToText(Pipeline.Lookup(refState)), LookupCsv.ToText(Pipeline.Lookup(state)));
        return refAlerts;
    }

    [Fact]
    public void Windows_close_by_the_clock_and_late_files_never_change_them()
    {
        using var dir = new TempDir();
        var (set, state, alerts, input) = Baselined(dir);

        // Hours 0-5 of day 8 arrive; the clock says 05:05, so windows up to 04:00-05:00 could close (end + 10 min
        // <= clock)...
        CopyInto(input, FilesStamped(set, H(0), H(6)));
        var m = Poll(state, input, alerts, H(5) + 300, dir);
        // ...but 04:00-05:00 ends at 05:00 and needs until 05:10.
        Assert.Equal(4, m.WindowsClosed);
        using (var s = SqliteStateStore.Open(state))
            Assert.Equal(H(4), s.Info.CommittedUntil);

        // At 05:10 the fifth window closes; nothing is counted twice on this second poll.
        m = Poll(state, input, alerts, H(5) + 600, dir);
        Assert.Equal((1L, 0L), (m.WindowsClosed, m.Files));

        // A straggler for hour 04 (closed) arrives with hours 6-11 of data: its records are late, counted only in
        // metrics. (One stamped more than an hour before the open window would be skipped unread.)
        var straggler = FilesStamped(set, H(4), H(5))[0];
        string lateCopy = Path.Combine(input, "late-" + Path.GetFileName(straggler));
        File.Copy(straggler, lateCopy);
        CopyInto(input, FilesStamped(set, H(6), H(72)));
        m = Poll(state, input, alerts, H(72) + 600, dir);
        Assert.True(m.LateRecords > 0, "the straggler's records should be counted as late");
        Assert.Equal(72 - 5, m.WindowsClosed);

        // The same windows through detect, without the straggler, give the same lookup and alerts.
        using var reference = new TempDir();
        string refAlerts = AssertSameAsDetect(set, set.Logs, H(72), state, alerts, reference);
        Assert.NotEmpty(File.ReadAllText(refAlerts));
    }

    [Fact]
    public void A_corrupt_file_is_recorded_in_the_ledger_and_the_others_are_counted()
    {
        using var dir = new TempDir();
        var (set, state, alerts, input) = Baselined(dir);
        var files = FilesStamped(set, H(0), H(2));
        CopyInto(input, files);
        byte[] whole = File.ReadAllBytes(files[1]);
        string broken = Path.Combine(input, "broken.log.gz");
        File.WriteAllBytes(broken, whole[..(whole.Length / 2)]);

        var m = Poll(state, input, alerts, H(1), dir);
        Assert.Equal(files.Count, m.Files);
        Assert.Equal(1, m.FailedFiles);
        using var store = SqliteStateStore.Open(state);
        var ledger = store.Ledger();
        Assert.Equal(LedgerEntry.Failed, ledger[broken].Status);
        Assert.Contains("truncated or corrupt", ledger[broken].Error, StringComparison.Ordinal);
        Assert.All(files, f =>
            Assert.Equal(LedgerEntry.Counted, ledger[Path.Combine(input, Path.GetFileName(f))].Status));
    }

    /// <summary>
    /// A --once run (the hourly CronJob) that finds a local file still being copied in leaves it for the next run and
    /// closes no window until it is counted: counted in part, the rest would never be.
    /// </summary>
    [Fact]
    public async Task A_once_run_leaves_a_file_still_being_written_for_the_next_run()
    {
        using var dir = new TempDir();
        var (set, state, alerts, input) = Baselined(dir);
        CopyInto(input, FilesStamped(set, H(0), H(5)));
        // 200 blocked connections from a baselined host in hour 4, written 5 at a time over about 4 seconds.
        string host = Pipeline.Lookup(state)[0].SrcIp;
        string live = Path.Combine(input, "live.log");
        var cancel = TestContext.Current.CancellationToken;
        using var started = new ManualResetEventSlim();
        var writer = Task.Run(async () =>
        {
            await using var f = new StreamWriter(new FileStream(live, FileMode.CreateNew, FileAccess.Write,
                FileShare.ReadWrite));
            await f.WriteAsync(FlowLines.Header + "\n");
            for (int chunk = 0; chunk < 40; chunk++)
            {
                string lines = new FlowLines(header: false).Add(H(4) + chunk, host, "203.0.113.7", count: 5)
                    .ToString();
                await f.WriteAsync(lines);
                await f.FlushAsync(cancel);
                started.Set();
                await Task.Delay(100, cancel);
            }
        }, cancel);
        started.Wait(cancel);

        var first = Poll(state, input, alerts, H(5) + 600, dir);
        Assert.False(writer.IsCompleted, "the writer should still be writing during the first run");
        Assert.Equal(0, first.WindowsClosed);
        await writer;

        var second = Poll(state, input, alerts, H(5) + 600, dir);
        Assert.Equal(5, second.WindowsClosed);
        // The same windows through detect, on the finished files.
        using var reference = new TempDir();
        string refAlerts = AssertSameAsDetect(set, input, H(5), state, alerts, reference);
        var spike = Assert.Single(Pipeline.ReadAlerts(refAlerts), a => a.GetProperty("src_ip").GetString() == host
            && a.GetProperty("window_start").GetString() == DateTimeOffset.FromUnixTimeSeconds(H(4))
                .ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
        Assert.True(spike.GetProperty("blocked_connections").GetInt64() >= 200);
    }

    /// <summary>
    /// A real watch process publishes its metrics through OpenTelemetry's Prometheus exporter on --listen; the scrape
    /// shows what it counted: one file of known size with five blocked outbound records among eight.
    /// </summary>
    [Fact]
    public async Task Metrics_are_scraped_over_http_through_the_opentelemetry_exporter()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        using var dir = new TempDir();
        const long T0 = 1_790_812_800;
        var lines =
            new FlowLines().Add(T0, "10.0.0.1", "8.8.8.8", count: 5).Add(T0, "10.0.0.1", "8.8.8.8", "ACCEPT", count: 3);
        string input = dir.Write("in/f.log", lines.ToString());
        // An OTLP/HTTP collector on loopback: the same metrics are pushed there too.
        using var collector = new TestHttpServer(_ => 200);
        var psi = Support.Cli.StartInfo(["watch", "--input", dir.File("in"), "--state", dir.File("s.db"), "--from",
            "2026-10-01T00:00:00Z", "--model", "recommended", "--listen", $"127.0.0.1:{port}", "--poll-interval", "1s",
            "-q"],
            new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url,
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
            });
        using var watch = System.Diagnostics.Process.Start(psi)!;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            string text = "";
            for (int i = 0; i < 60 && !Regex.IsMatch(text, @"^flowspike_files_total(\{[^}]*\})? 1$",
                RegexOptions.Multiline); i++)
            {
                await Task.Delay(500, TestContext.Current.CancellationToken);
                try
                {
                    text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics",
                        TestContext.Current.CancellationToken);
                }
                catch (HttpRequestException)
                {
                }
            }
            var values = text.Split('\n').Where(l => l.StartsWith("flowspike_", StringComparison.Ordinal))
                .Select(l => l.Split(' ')).ToDictionary(p => p[0].Split('{')[0], p => p[1]);
            Assert.Equal("1", values["flowspike_files_total"]);
            Assert.Equal(new FileInfo(input).Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
                values["flowspike_bytes_total"]);
            Assert.Equal("5", values["flowspike_blocked_outbound_records_total"]);
            Assert.Contains("# TYPE flowspike_files_total counter", text, StringComparison.Ordinal);
            string health =
                await http.GetStringAsync($"http://127.0.0.1:{port}/healthz", TestContext.Current.CancellationToken);
            Assert.Equal("ok\n", health);
            // Pushed every second: the first push after the file was counted carries its records.
            bool Pushed() => collector.Accepted.Any(a =>
                a.Body.Contains("flowspike_blocked_outbound_records", StringComparison.Ordinal));
            for (int i = 0; i < 20 && !Pushed(); i++)
                await Task.Delay(500, TestContext.Current.CancellationToken);
            var push = Assert.Single(collector.Accepted.Take(1));
            Assert.Equal("/v1/metrics", push.Path);
            Assert.Equal("application/x-protobuf", push.Headers["content-type"]);
            Assert.True(Pushed(), "no OTLP push carried flowspike_blocked_outbound_records");
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
            await watch.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }
}
