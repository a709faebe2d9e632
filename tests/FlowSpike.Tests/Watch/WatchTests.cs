using System.Net;
using System.Net.Sockets;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Synthesis;
using FlowSpike.Tests.Support;
using FlowSpike.Watch;

namespace FlowSpike.Tests.Watch;

/// <summary>watch closes windows by the clock, counts every file once, and never lets late data change a closed window.</summary>
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
        WatchRun.Execute(store, new InputOptions { Inputs = [input] }, new WatchRequest { Once = true, ClockFile = clockFile, LatenessSeconds = 600 },
            sink, NullRunLog.Instance, metrics, TestContext.Current.CancellationToken);
        return metrics;
    }

    [Fact]
    public void Windows_close_by_the_clock_and_late_files_never_change_them()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        using var dir = new TempDir();
        string state = dir.File("watch.db"), alerts = dir.File("watch.jsonl"), input = dir.File("incoming");
        Directory.CreateDirectory(input);
        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd);

        // Hours 0-5 of day 8 arrive; the clock says 05:05, so windows up to 04:00-05:00 could close (end + 10 min <= clock)...
        CopyInto(input, FilesStamped(set, H(0), H(6)));
        var m = Poll(state, input, alerts, H(5) + 300, dir);
        // ...but 04:00-05:00 ends at 05:00 and needs until 05:10.
        Assert.Equal(4, m.WindowsClosed);
        using (var s = SqliteStateStore.Open(state))
            Assert.Equal(H(4), s.Info.CommittedUntil);

        // At 05:10 the fifth window closes; nothing is counted twice on this second poll.
        m = Poll(state, input, alerts, H(5) + 600, dir);
        Assert.Equal((1L, 0L), (m.WindowsClosed, m.Files));

        // A straggler for hour 02 (closed) arrives with hours 6-11 of data: its records are late, counted only in metrics.
        var straggler = FilesStamped(set, H(2), H(3))[0];
        string lateCopy = Path.Combine(input, "late-" + Path.GetFileName(straggler));
        File.Copy(straggler, lateCopy);
        CopyInto(input, FilesStamped(set, H(6), H(72)));
        m = Poll(state, input, alerts, H(72) + 600, dir);
        Assert.True(m.LateRecords > 0, "the straggler's records should be counted as late");
        Assert.Equal(72 - 5, m.WindowsClosed);

        // The same windows through detect, without the straggler, give the same lookup and alerts.
        using var reference = new TempDir();
        string refState = reference.File("ref.db"), refAlerts = reference.File("ref.jsonl");
        Pipeline.Baseline(refState, set.Logs, SynthData.From, SynthData.BaselineEnd);
        Pipeline.Detect(refState, set.Logs, refAlerts, new DetectRequest { From = H(0), To = H(72) });
        Assert.NotEmpty(File.ReadAllText(refAlerts));
        Assert.Equal(File.ReadAllText(refAlerts), File.ReadAllText(alerts));
        Assert.Equal(LookupCsv.ToText(Pipeline.Lookup(refState)), LookupCsv.ToText(Pipeline.Lookup(state)));
    }

    [Fact]
    public void A_corrupt_file_is_recorded_in_the_ledger_and_the_others_are_counted()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        using var dir = new TempDir();
        string state = dir.File("watch.db"), alerts = dir.File("watch.jsonl"), input = dir.File("incoming");
        Directory.CreateDirectory(input);
        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd);
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
        Assert.All(files, f => Assert.Equal(LedgerEntry.Counted, ledger[Path.Combine(input, Path.GetFileName(f))].Status));
    }

    [Fact]
    public async Task Metrics_are_scraped_over_http()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var metrics = new WatchMetrics();
        metrics.FileCounted(1000, 50, 7, 2, 3, TimeSpan.FromSeconds(0.5));
        metrics.WindowClosed(7200, 2);
        metrics.Watermark(9000);
        using var server = new MetricsServer($"127.0.0.1:{port}", metrics);
        using var http = new HttpClient();
        string health = await http.GetStringAsync($"http://127.0.0.1:{port}/healthz", TestContext.Current.CancellationToken);
        Assert.Equal("ok\n", health);
        string text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics", TestContext.Current.CancellationToken);
        var values = text.Split('\n').Where(l => l.StartsWith("flowspike_", StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf(' ')], l => l[(l.IndexOf(' ') + 1)..]);
        Assert.Equal("1", values["flowspike_files_total"]);
        Assert.Equal("50", values["flowspike_records_total"]);
        Assert.Equal("2", values["flowspike_bad_lines_total"]);
        Assert.Equal("3", values["flowspike_late_records_total"]);
        Assert.Equal("1", values["flowspike_windows_closed_total"]);
        Assert.Equal("2", values["flowspike_alerts_total"]);
        Assert.Equal("1800", values["flowspike_lag_seconds"]);
        Assert.Equal("2000", values["flowspike_scan_bytes_per_second"]);
        Assert.Contains("# TYPE flowspike_files_total counter", text, StringComparison.Ordinal);
    }
}
