using FlowSpike.Alerts;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Synth;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.State;

/// <summary>detect is resumable and idempotent: no window is lost or closed twice, and history is never
/// reordered.</summary>
public class ResumeTests
{
    private static long H(int hours) => SynthData.BaselineEnd + hours * 3600L;

    private sealed class RecordingLog : IRunLog
    {
        public List<string> Lines { get; } = [];
        public void Info(string message) => Lines.Add("info: " + message);
        public void Warn(string message) => Lines.Add("warn: " + message);
    }

    private static (string State, string Alerts) Baselined(TempDir dir, SynthData.DataSet set)
    {
        string state = dir.File("s.db");
        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd);
        return (state, dir.File("a.jsonl"));
    }

    [Fact]
    public void Split_runs_equal_one_run_and_reruns_are_no_ops()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        using var once = new TempDir();
        var (s1, a1) = Baselined(once, set);
        Pipeline.Detect(s1, set.Logs, a1, new DetectRequest { From = H(0), To = H(72) });

        using var split = new TempDir();
        var (s2, a2) = Baselined(split, set);
        Pipeline.Detect(s2, set.Logs, a2, new DetectRequest { From = H(0), To = H(30) });
        var second = Pipeline.Detect(s2, set.Logs, a2, new DetectRequest { From = H(0), To = H(72) });
        Assert.Equal((42, 30), (second.WindowsClosed, second.WindowsSkipped));
        var third = Pipeline.Detect(s2, set.Logs, a2, new DetectRequest { From = H(0), To = H(72) });
        Assert.Equal((0, 72), (third.WindowsClosed, third.WindowsSkipped));

        Assert.Equal(File.ReadAllText(a1), File.ReadAllText(a2));
        Assert.Equal(LookupCsv.ToText(Pipeline.Lookup(s1)), LookupCsv.ToText(Pipeline.Lookup(s2)));
        Assert.NotEmpty(File.ReadAllText(a1));
    }

    [Fact]
    public void An_older_window_never_closed_is_refused_and_nothing_changes()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        using var dir = new TempDir();
        var (state, alerts) = Baselined(dir, set);
        Pipeline.Detect(state, set.Logs, alerts, new DetectRequest { From = H(10), To = H(12) });
        string before = LookupCsv.ToText(Pipeline.Lookup(state));

        var e = Assert.Throws<RunException>(() =>
            Pipeline.Detect(state, set.Logs, alerts, new DetectRequest { From = H(5), To = H(12) }));
        Assert.Contains("never closed", e.Message, StringComparison.Ordinal);
        Assert.Contains(Time.TimeRange.Format(H(5)), e.Message, StringComparison.Ordinal);
        Assert.Equal(before, LookupCsv.ToText(Pipeline.Lookup(state)));
    }

    [Fact]
    public void Windows_inside_the_baseline_range_are_refused()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        using var dir = new TempDir();
        var (state, alerts) = Baselined(dir, set);
        Assert.Throws<RunException>(() =>
            Pipeline.Detect(state, set.Logs, alerts, new DetectRequest { From = H(-2), To = H(2) }));
    }

    [Fact]
    public void A_gap_after_the_mark_is_allowed_with_a_warning()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        using var dir = new TempDir();
        var (state, alerts) = Baselined(dir, set);
        var log = new RecordingLog();
        using (var store = SqliteStateStore.Open(state))
        using (var sink = new FileAlertSink(alerts))
            DetectRun.Execute(store, new InputOptions { Inputs = [set.Logs] },
                new DetectRequest { From = H(5), To = H(6) }, sink, log, TestContext.Current.CancellationToken);
        Assert.Contains(log.Lines, l => l.StartsWith("warn: gap", StringComparison.Ordinal));
        using var s = SqliteStateStore.Open(state);
        Assert.Equal(H(6), s.Info.CommittedUntil);
    }

    [Fact]
    public void Misaligned_range_is_refused_before_the_state_is_touched()
    {
        using var dir = new TempDir();
        string state = dir.File("s.db");
        using (var store = SqliteStateStore.Open(state))
        {
            var e = Assert.Throws<RunException>(() =>
                DetectRun.Execute(store, new InputOptions { Inputs = ["/nonexistent"] },
                new DetectRequest { From = H(0) + 60, To = H(2) }, new FileAlertSink(TextWriter.Null),
                    NullRunLog.Instance, TestContext.Current.CancellationToken));
            // The library names its settings; the CLI shows them as flags (--from, --window).
            Assert.StartsWith("From 2026-10-08T00:01:00Z is not aligned to WindowSeconds 3600s", e.Message,
                StringComparison.Ordinal);
            Assert.Null(store.Info.CommittedUntil);
        }
    }

    /// <summary>A sink that is down, under the name the file sink of the next run will have.</summary>
    private sealed class FailingSink(string path) : IAlertSink
    {
        public string Name { get; } = new FileAlertSink(path).Name;
        public void Deliver(IReadOnlyList<OutboxAlert> alerts, DeliveryReceipt receipt) =>
            throw new IOException("sink down");
        public void Dispose() { }
    }

    [Fact]
    public void Alerts_committed_but_not_delivered_are_delivered_by_the_next_run()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        using var dir = new TempDir();
        var (state, alerts) = Baselined(dir, set);
        using (var store = SqliteStateStore.Open(state))
        {
            var sink = new FailingSink(alerts);
            var result = DetectRun.Execute(store, new InputOptions { Inputs = [set.Logs] },
                new DetectRequest { From = H(0), To = H(72) }, sink, NullRunLog.Instance,
                    TestContext.Current.CancellationToken);
            // The run itself completes: an outage holds alerts back, it does not stop detection.
            Assert.Equal(72, result.WindowsClosed);
            Assert.Equal(result.Alerts, store.OutboxAlerts(sink.Name).Count);
            Assert.True(result.Alerts > 0);
        }
        // The next run (nothing left to detect) delivers everything held, once.
        Pipeline.Detect(state, set.Logs, alerts, new DetectRequest { From = H(0), To = H(72) });
        using var reference = new TempDir();
        var (s2, a2) = Baselined(reference, set);
        Pipeline.Detect(s2, set.Logs, a2, new DetectRequest { From = H(0), To = H(72) });
        Assert.Equal(File.ReadAllText(a2), File.ReadAllText(alerts));
        using var check = SqliteStateStore.Open(state);
        Assert.Empty(check.OutboxAlerts("file:" + Path.GetFullPath(alerts)));
    }

    [Fact]
    public void The_file_sink_never_writes_an_alert_id_twice()
    {
        using var dir = new TempDir();
        string path = dir.File("out.jsonl");
        OutboxAlert Pending(string src)
        {
            var a = new Alert
            {
                WindowStart = 3600,
                WindowEnd = 7200,
                SrcIp = src,
                BlockedConnections = 9,
                BlockedDestIps = ["198.51.100.1"],
                ResourceIds = ["eni-1"],
                LatestCount = 9,
                NumDataPoints = 7,
                AvgBlockedConnections = 2,
                StdevBlockedConnections = 1,
                Threshold = 5,
                Model = "splunk",
                DeviationThreshold = 3,
                DataPointThreshold = 5,
            };
            return new OutboxAlert(a.Id, a.WindowStart, AlertJson.Serialize(a));
        }
        // 10.0.0.1's id is a prefix of 10.0.0.10's: the check must not confuse them.
        using (var sink = new FileAlertSink(path))
            sink.Deliver([Pending("10.0.0.1")]);
        using (var sink = new FileAlertSink(path))
            sink.Deliver([Pending("10.0.0.1"), Pending("10.0.0.10")]);
        var ids = File.ReadAllLines(path).Select(l => AlertJson.Parse(l).Id).ToList();
        Assert.Equal(["3600-10.0.0.1", "3600-10.0.0.10"], ids);
    }
}
