using System.Diagnostics.Metrics;
using System.IO.Compression;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Synth;
using FlowSpike.Tests.Support;
using FlowSpike.Watch;

namespace FlowSpike.Tests.Watch;

/// <summary>
/// watch follows the one rule for objects that are not flow logs: each is skipped with a warning naming it, counted
/// by reason in flowspike_files_skipped, recorded in the ledger and not read again, while the flow logs beside it
/// are counted.
/// </summary>
public class WatchSkipTests
{
    private const string Prose =
        """{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/app","logStream":"a","logEvents":[""" +
        """{"id":"1","timestamp":1790812800000,"message":"service started in 12 ms"},""" +
        """{"id":"2","timestamp":1790812801000,"message":"listening on port 8080"}]}""";

    private static string Tgw => Path.Combine(AppContext.BaseDirectory, "Fixtures", "formats", "tgw-flow.log");

    [Fact]
    public void Objects_that_are_not_flow_logs_are_skipped_by_reason_and_never_read_again()
    {
        using var dir = new TempDir();
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        string state = dir.File("watch.db"), input = dir.File("incoming");
        Directory.CreateDirectory(input);
        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd);
        var logs = Directory.EnumerateFiles(set.Logs, "*", SearchOption.AllDirectories)
            .Where(f => DatePrefix.FileStamp(Path.GetFileName(f)) is { } s && s >= SynthData.BaselineEnd
                && s < SynthData.BaselineEnd + 2 * 3600).ToList();
        Assert.NotEmpty(logs);
        foreach (string f in logs)
            File.Copy(f, Path.Combine(input, Path.GetFileName(f)));
        using (var gz = new GZipStream(File.Create(Path.Combine(input, "app.json.gz")), CompressionLevel.Fastest))
            gz.Write(System.Text.Encoding.UTF8.GetBytes(Prose));
        File.WriteAllBytes(Path.Combine(input, "diagram.png"), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
        File.Copy(Tgw, Path.Combine(input, "tgw.log"));

        var reasons = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == WatchMetrics.MeterName && i.Name == "flowspike_files_skipped")
                l.EnableMeasurementEvents(i);
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var t in tags)
            {
                if (t.Key == "reason")
                    lock (reasons)
                        reasons.Add((string)t.Value!);
            }
        });
        listener.Start();

        var warnings = new List<string>();
        var first = Poll(state, input, dir, warnings);
        Assert.Equal(logs.Count, first.Files);
        Assert.Equal(3, first.SkippedFiles);
        Assert.Equal(0, first.FailedFiles);
        lock (reasons)
            Assert.Equal(["no_flow_log_line", "other_format", "unsupported_log_type"], reasons.Order());
        foreach (string name in new[] { "app.json.gz", "diagram.png", "tgw.log" })
            Assert.Single(warnings, w => w.Contains(Path.Combine(input, name), StringComparison.Ordinal));
        using (var store = SqliteStateStore.OpenReadOnly(state))
        {
            var ledger = store.Ledger();
            Assert.Equal(LedgerEntry.Failed, ledger[Path.Combine(input, "app.json.gz")].Status);
            Assert.Contains("not a flow log", ledger[Path.Combine(input, "app.json.gz")].Error,
                StringComparison.Ordinal);
            Assert.Contains("Transit Gateway", ledger[Path.Combine(input, "tgw.log")].Error, StringComparison.Ordinal);
        }

        // The next poll reads none of them again.
        var second = Poll(state, input, dir, []);
        Assert.Equal(0, second.SkippedFiles);
        Assert.Equal(0, second.Files);
    }

    private static WatchMetrics Poll(string state, string input, TempDir dir, List<string> warnings)
    {
        long clock = SynthData.BaselineEnd + 3 * 3600;
        string clockFile = dir.Write("clock", clock.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var metrics = new WatchMetrics();
        using var store = SqliteStateStore.Open(state);
        using var sink = new FileAlertSink(dir.File("alerts.jsonl"));
        WatchRun.Execute(store, new InputOptions { Inputs = [input] },
            new WatchRequest { Once = true, ClockFile = clockFile, LatenessSeconds = 600 },
            sink, new Collecting(warnings), metrics, TestContext.Current.CancellationToken);
        return metrics;
    }

    private sealed class Collecting(List<string> warnings) : IRunLog
    {
        public void Info(string message)
        {
        }

        public void Warn(string message) => warnings.Add(message);
    }
}
