using System.Globalization;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Synth;
using FlowSpike.Tests.Support;
using FlowSpike.Watch;
using Microsoft.Data.Sqlite;

namespace FlowSpike.Tests.Watch;

/// <summary>
/// The state does not grow with history: the ledger forgets objects stamped before the open window minus the
/// lateness and an hour (the lister skips them by their stamp), and nothing is counted twice or lost for it.
/// </summary>
public class WatchGrowthTests
{
    private const long Lateness = 600;

    private static long H(int hours) => SynthData.BaselineEnd + hours * 3600L;

    private sealed class RecordingLog : IRunLog
    {
        public List<string> Lines { get; } = [];
        public void Info(string message) => Lines.Add("info: " + message);
        public void Warn(string message) => Lines.Add("warn: " + message);
    }

    private static List<string> FilesStamped(SynthData.DataSet set, long from, long to) =>
        [.. Directory.EnumerateFiles(set.Logs, "*", SearchOption.AllDirectories)
            .Where(f => DatePrefix.FileStamp(Path.GetFileName(f)) is { } s && s >= from && s < to)
            .Order(StringComparer.Ordinal)];

    private static void CopyInto(string dir, IEnumerable<string> files)
    {
        foreach (string f in files)
            File.Copy(f, Path.Combine(dir, Path.GetFileName(f)), overwrite: true);
    }

    private static WatchMetrics Poll(string state, string input, string alerts, long clock, TempDir dir,
        IRunLog? log = null)
    {
        string clockFile = dir.Write("clock", clock.ToString(CultureInfo.InvariantCulture));
        var metrics = new WatchMetrics();
        using var store = SqliteStateStore.Open(state);
        using var sink = new FileAlertSink(alerts);
        WatchRun.Execute(store, new InputOptions { Inputs = [input] },
            new WatchRequest { Once = true, ClockFile = clockFile, LatenessSeconds = Lateness },
            sink, log ?? NullRunLog.Instance, metrics, TestContext.Current.CancellationToken);
        return metrics;
    }

    /// <summary>The ledger's rows (those whose key ends with <paramref name="name"/>), read straight from the
    /// file.</summary>
    private static long LedgerRows(string state, string name = "")
    {
        using var c = new SqliteConnection($"Data Source={state};Mode=ReadOnly;Pooling=false");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM ledger WHERE substr(path, -length($n)) = $n OR $n = ''";
        cmd.Parameters.AddWithValue("$n", name);
        return (long)cmd.ExecuteScalar()!;
    }

    [Fact]
    public void The_ledger_is_pruned_and_no_pruned_object_is_counted_again()
    {
        using var dir = new TempDir();
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        string state = dir.File("w.db"), alerts = dir.File("w.jsonl"), input = dir.File("incoming");
        Directory.CreateDirectory(input);
        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd);

        CopyInto(input, FilesStamped(set, H(0), H(6)));
        var first = Poll(state, input, alerts, H(5) + 300, dir);
        Assert.Equal(4, first.WindowsClosed);

        // Every earlier file stays in the folder, its ledger row pruned or not: only the new ones are counted.
        var later = FilesStamped(set, H(6), H(24));
        CopyInto(input, later);
        var second = Poll(state, input, alerts, H(24) + Lateness, dir);
        Assert.Equal(later.Count, second.Files);
        Assert.Equal(20, second.WindowsClosed);
        // The ledger keeps the objects stamped after the open window (24:00) minus the lateness and an hour.
        Assert.Equal(FilesStamped(set, H(24) - Lateness - InputSet.Slack, H(24)).Count, LedgerRows(state));

        var third = Poll(state, input, alerts, H(24) + Lateness, dir);
        Assert.Equal((0L, 0L), (third.Files, third.WindowsClosed));

        // The same windows through detect give the same lookup and alerts: nothing counted twice, nothing lost.
        string refState = dir.File("ref.db"), refAlerts = dir.File("ref.jsonl");
        Pipeline.Baseline(refState, set.Logs, SynthData.From, SynthData.BaselineEnd);
        Pipeline.Detect(refState, input, refAlerts, new DetectRequest { From = H(0), To = H(24) });
        Assert.Equal(File.ReadAllText(refAlerts), File.ReadAllText(alerts));
        Assert.Equal(LookupCsv.ToText(Pipeline.Lookup(refState)), LookupCsv.ToText(Pipeline.Lookup(state)));

        // An object whose row was pruned is delivered again, rewritten (another size and version): still skipped.
        string early = Path.Combine(input, Path.GetFileName(FilesStamped(set, H(0), H(1))[0]));
        Assert.Equal(0, LedgerRows(state, Path.GetFileName(early)));
        File.Copy(FilesStamped(set, H(1), H(2))[^1], early, overwrite: true);
        string lookup = LookupCsv.ToText(Pipeline.Lookup(state));
        var redelivered = Poll(state, input, alerts, H(24) + Lateness, dir);
        Assert.Equal((0L, 0L), (redelivered.Files, redelivered.WindowsClosed));
        Assert.Equal(lookup, LookupCsv.ToText(Pipeline.Lookup(state)));
    }

    /// <summary>
    /// A baseline moved back behind what the ledger forgot: objects stamped before the pruned bound are still
    /// skipped, so they are not counted again.
    /// </summary>
    [Fact]
    public void Objects_below_the_pruned_bound_stay_skipped_when_the_mark_moves_back()
    {
        using var dir = new TempDir();
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        string state = dir.File("w.db"), alerts = dir.File("w.jsonl"), input = dir.File("incoming");
        Directory.CreateDirectory(input);
        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd);
        CopyInto(input, FilesStamped(set, H(0), H(12)));
        Poll(state, input, alerts, H(12) + Lateness, dir);
        using (var store = SqliteStateStore.Open(state))
            Assert.Equal(H(12) - Lateness - InputSet.Slack, store.LedgerPrunedBelow);

        // The baseline is rebuilt over the same week: the committed mark goes back to 00:00.
        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd);
        var again = Poll(state, input, alerts, H(12) + Lateness, dir);
        Assert.Equal(0, again.Files);
    }

    /// <summary>
    /// The first watch over a folder that holds the whole history (the baseline's week too) skips the old files by
    /// their stamp, in one line, instead of reading them all and warning about each one's late records.
    /// </summary>
    [Fact]
    public void Old_local_files_are_skipped_in_one_line_without_a_late_warning_each()
    {
        using var dir = new TempDir();
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        string state = dir.File("w.db"), alerts = dir.File("w.jsonl"), input = dir.File("history");
        Directory.CreateDirectory(input);
        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd);
        CopyInto(input, FilesStamped(set, SynthData.From, H(3)));

        var log = new RecordingLog();
        var m = Poll(state, input, alerts, H(2) + Lateness, dir, log);
        Assert.Equal(2, m.WindowsClosed);
        int old = FilesStamped(set, SynthData.From, H(0) - InputSet.Slack).Count;
        Assert.True(old > 500, $"the baseline's week holds {old} file(s)");
        var skipped = Assert.Single(log.Lines, l => l.Contains("skipped unread", StringComparison.Ordinal));
        Assert.StartsWith($"info: {old} file(s) stamped before", skipped, StringComparison.Ordinal);
        Assert.True(log.Lines.Count(l => l.Contains("late record", StringComparison.Ordinal)) <= 1,
            string.Join('\n', log.Lines));
        Assert.Equal(FilesStamped(set, H(0) - InputSet.Slack, H(3)).Count, m.Files);
    }

    /// <summary>What the user sees of the same first watch over the whole history, through ./flowspike.</summary>
    [Fact]
    public void The_first_watch_over_the_history_sums_old_files_in_one_line_through_the_door()
    {
        using var dir = new TempDir();
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        string state = dir.File("w.db"), alerts = dir.File("w.jsonl"), input = dir.File("history");
        Directory.CreateDirectory(input);
        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd);
        CopyInto(input, FilesStamped(set, SynthData.From, H(3)));
        string clock = dir.Write("clock", (H(2) + Lateness).ToString(CultureInfo.InvariantCulture));

        var r = Support.Cli.RunWith(["watch", "--once", "--input", input, "--state", state, "--clock", clock,
            "--out", alerts, "--lateness", "10m"], null, null, door: true);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string[] lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int old = FilesStamped(set, SynthData.From, H(0) - InputSet.Slack).Count;
        string skipped = Assert.Single(lines, l => l.Contains("skipped unread", StringComparison.Ordinal));
        Assert.Contains($" {old} file(s) stamped before ", skipped, StringComparison.Ordinal);
        Assert.True(lines.Count(l => l.Contains("late record", StringComparison.Ordinal)) <= 1, r.Stderr);
        Assert.True(lines.Length < 20, r.Stderr);
    }
}
