using System.Diagnostics;
using System.Globalization;
using FlowSpike.Records;
using FlowSpike.State;
using FlowSpike.Synth;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Queue;

/// <summary>
/// One moto for the queue tests, the synthetic flow logs and a state baselined on their first week; each test makes
/// its own bucket and queue, uploads the hours it needs and runs `flowspike watch --queue` as a user would.
/// </summary>
public sealed class QueueFixture : IDisposable
{
    public QueueFixture()
    {
        Moto = new MotoServer();
        Set = SynthData.Get(SynthLayout.DefaultWithHeader);
        Dir = new TempDir();
        Baselined = Dir.File("baselined.db");
        Pipeline.Baseline(Baselined, Set.Logs, SynthData.From, SynthData.BaselineEnd);
    }

    public MotoServer Moto { get; }
    internal SynthData.DataSet Set { get; }
    public TempDir Dir { get; }
    public string Baselined { get; }

    public static long H(int hours) => SynthData.BaselineEnd + hours * 3600L;

    /// <summary>The synthetic files stamped in [H(from), H(to)), by key under AWSLogs/.</summary>
    public List<(string Key, string File)> Hours(int from, int to) =>
        [.. Directory.EnumerateFiles(Set.Logs, "*", SearchOption.AllDirectories)
            .Where(f => DatePrefix.FileStamp(Path.GetFileName(f)) is { } s && s >= H(from) && s < H(to))
            .Order(StringComparer.Ordinal)
            .Select(f => ("AWSLogs/" + Path.GetRelativePath(Set.Logs, f).Replace('\\', '/'), f))];

    /// <summary>Uploads files; returns each one's key, ETag and size.</summary>
    public List<(string Key, string ETag, long Size)> Upload(string bucket,
        IEnumerable<(string Key, string File)> files) =>
        [.. files.Select(f => (f.Key, Moto.Put(bucket, f.Key, f.File), new FileInfo(f.File).Length))];

    public void Dispose()
    {
        Moto.Dispose();
        Dir.Dispose();
    }
}

/// <summary>One test's state, alerts, clock, and the CLI runs against moto.</summary>
public sealed class QueueCase : IDisposable
{
    private readonly QueueFixture _f;

    public QueueCase(QueueFixture f, string name)
    {
        _f = f;
        Dir = new TempDir();
        State = Dir.File("watch.db");
        File.Copy(f.Baselined, State);
        Alerts = Dir.File("alerts.jsonl");
        Bucket = name;
        f.Moto.CreateBucket(name);
    }

    public TempDir Dir { get; }
    public string State { get; }
    public string Alerts { get; }
    public string Bucket { get; }

    public string[] WatchArgs(string queue, long clock, params string[] more)
    {
        string clockFile = Dir.Write("clock", clock.ToString(CultureInfo.InvariantCulture));
        return ["watch", "--queue", queue, "--state", State, "--out", Alerts, "--clock", clockFile, "--once",
            "--listen", "none", .. more];
    }

    public Support.Cli.Outcome Watch(string queue, long clock, IDictionary<string, string>? env = null,
        params string[] more)
    {
        var all = _f.Moto.Environment;
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
            all[k] = v;
        return Support.Cli.RunWith(WatchArgs(queue, clock, more), env: all);
    }

    /// <summary>Starts watch, waits for <paramref name="marker"/> on its stderr, then kills it with SIGKILL.</summary>
    public void KillAt(string queue, long clock, string marker, IDictionary<string, string> env, params string[] more)
    {
        var all = _f.Moto.Environment;
        foreach (var (k, v) in env)
            all[k] = v;
        using var p = Process.Start(Support.Cli.StartInfo(WatchArgs(queue, clock, more), all))!;
        p.StandardInput.Close();
        var seen = new ManualResetEventSlim();
        var lines = new List<string>();
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (lines)
                lines.Add(e.Data);
            if (e.Data.Contains(marker, StringComparison.Ordinal))
                seen.Set();
        };
        p.BeginErrorReadLine();
        _ = p.StandardOutput.ReadToEndAsync();
        bool reached = seen.Wait(TimeSpan.FromSeconds(60));
        p.Kill(entireProcessTree: true);
        p.WaitForExit();
        Assert.True(reached, $"watch never reached '{marker}': {string.Join('\n', lines)}");
    }

    /// <summary>
    /// detect over the same objects (a listing of the bucket) from a fresh copy of the baseline up to
    /// <paramref name="to"/> gives the alerts and the lookup watch gave.
    /// </summary>
    public void AssertSameAsDetect(long to)
    {
        Detect(QueueFixture.H(0), to);
        AssertSameAsReference(to);
    }

    /// <summary>The reference: detect over the objects in the bucket now, for [from, to), after the windows it ran
    /// before (as watch closed them, with the objects there then).</summary>
    public void Detect(long from, long to)
    {
        string refState = Dir.File("ref.db"), refAlerts = Dir.File("ref.jsonl");
        if (!File.Exists(refState))
            File.Copy(_f.Baselined, refState);
        var detect = Support.Cli.RunWith(["detect", "--input", $"s3://{Bucket}/AWSLogs/", "--from",
            Time.TimeRange.Format(from), "--to", Time.TimeRange.Format(to), "--state", refState, "--out",
            refAlerts, "-q"], env: _f.Moto.Environment);
        Assert.True(detect.ExitCode == 0, detect.Stderr);
    }

    /// <summary>watch's alerts, lookup and committed mark are the reference's.</summary>
    public void AssertSameAsReference(long to)
    {
        string refState = Dir.File("ref.db"), refAlerts = Dir.File("ref.jsonl");
        Assert.NotEmpty(File.ReadAllLines(refAlerts));
        Assert.Equal(File.ReadAllText(refAlerts), File.ReadAllText(Alerts));
        Assert.Equal(Lookup(refState), Lookup(State));
        using var s = SqliteStateStore.Open(State);
        Assert.Equal(to, s.Info.CommittedUntil);
    }

    public static string Lookup(string state) => Support.Cli.Run("lookup", "export", "--state", state).Stdout;

    internal IReadOnlyDictionary<string, LedgerEntry> Ledger()
    {
        using var s = SqliteStateStore.Open(State);
        return s.Ledger();
    }

    /// <summary>The "shape/outcome N" counts of the run's last log line.</summary>
    public static Dictionary<string, long> Messages(Support.Cli.Outcome run)
    {
        string line = run.Stderr.Split('\n').Last(l => l.Contains("stopped; next window", StringComparison.Ordinal));
        string list = line[(line.IndexOf("messages: ", StringComparison.Ordinal) + "messages: ".Length)..];
        return list.Split(", ", StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split(' '))
            .ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }

    public void Dispose() => Dir.Dispose();
}
