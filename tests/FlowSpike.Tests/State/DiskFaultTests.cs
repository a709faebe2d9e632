using System.Diagnostics;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Synth;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.State;

/// <summary>
/// A full or read-only disk under the state: a clear error, and the state as it was. These tests mount a small tmpfs,
/// which needs root (as CI has); elsewhere they are reported as skipped, never as passed.
/// </summary>
public sealed class DiskFaultTests : IDisposable
{
    private readonly string _mount = Path.Combine(Path.GetTempPath(), "flowspike-disk-" + Guid.NewGuid().ToString("N"));
    private bool _mounted;

    private static long H(int hours) => SynthData.BaselineEnd + hours * 3600L;

    private void Mount(string size)
    {
        if (Environment.UserName != "root")
            Assert.Skip("mounting a tmpfs needs root");
        Directory.CreateDirectory(_mount);
        Support.Shell.Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", _mount);
        _mounted = true;
    }

    [Fact]
    public void A_full_disk_fails_the_window_cleanly_and_a_rerun_completes()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        Mount("16m");
        string state = Path.Combine(_mount, "s.db");
        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd);
        string before = LookupCsv.ToText(Pipeline.Lookup(state));
        // Fill the disk, leaving no room for the next transaction.
        string filler = Path.Combine(_mount, "filler");
        using (var f = new FileStream(filler, FileMode.Create))
        {
            var block = new byte[4096];
            try
            {
                while (true)
                    f.Write(block);
            }
            catch (IOException)
            {
            }
        }
        using var dir = new TempDir();
        var e = Assert.Throws<StateException>(() =>
            Pipeline.Detect(state, set.Logs, dir.File("a.jsonl"), new DetectRequest { From = H(0), To = H(72) }));
        Assert.Contains("s.db", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Contains("disk is full", StringComparison.Ordinal)
            && e.Message.Contains("unchanged", StringComparison.Ordinal), e.Message);
        File.Delete(filler);
        Assert.Equal(before, LookupCsv.ToText(Pipeline.Lookup(state)));

        // With room again, the same command completes and matches a run that never failed.
        Pipeline.Detect(state, set.Logs, dir.File("a.jsonl"), new DetectRequest { From = H(0), To = H(72) });
        string refState = dir.File("ref.db");
        Pipeline.Baseline(refState, set.Logs, SynthData.From, SynthData.BaselineEnd);
        Pipeline.Detect(refState, set.Logs, dir.File("ref.jsonl"), new DetectRequest { From = H(0), To = H(72) });
        Assert.Equal(LookupCsv.ToText(Pipeline.Lookup(refState)), LookupCsv.ToText(Pipeline.Lookup(state)));
    }

    [Fact]
    public void A_read_only_disk_is_a_clear_error_and_the_state_is_untouched()
    {
        var (set, state, before, bytes) = BaselineThenReadOnly();
        using var dir = new TempDir();
        var e = Assert.Throws<StateException>(() =>
            Pipeline.Detect(state, set.Logs, dir.File("a.jsonl"), new DetectRequest { From = H(0), To = H(2) }));
        Assert.Contains("s.db", e.Message, StringComparison.Ordinal);
        Assert.Contains("Read-only", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(bytes, File.ReadAllBytes(state));
        Support.Shell.Run("mount", "-o", "remount,rw", _mount);
        Assert.Equal(before, LookupCsv.ToText(Pipeline.Lookup(state)));
    }

    [Fact]
    public void Read_only_commands_read_a_state_on_a_read_only_disk()
    {
        // No -wal or -shm is left once the state is closed, and none can be made on the read-only mount.
        var (_, state, expected, bytes) = BaselineThenReadOnly();
        using var dir = new TempDir();
        var export = Support.Cli.Run("lookup", "export", "--state", state, "--out", "-");
        Assert.True(export.ExitCode == 0, export.Stderr);
        Assert.Equal(expected, export.Stdout);
        string host = expected.Split('\n')[1].Split(',')[0];
        var explain = Support.Cli.Run("explain", "--state", state, "--src", host);
        Assert.True(explain.ExitCode == 0, explain.Stderr);
        Assert.Contains(host, explain.Stdout, StringComparison.Ordinal);
        var report = Support.Cli.Run("report", "--state", state, "--out", dir.File("r.html"));
        Assert.True(report.ExitCode == 0, report.Stderr);
        Assert.Equal(bytes, File.ReadAllBytes(state));
        Assert.Equal(["s.db", "s.db.lock"], Directory.GetFiles(_mount).Select(Path.GetFileName).Order());
    }

    /// <summary>A baseline on the tmpfs, its lookup and bytes, then the tmpfs remounted read-only.</summary>
    private (SynthData.DataSet Set, string State, string Lookup, byte[] Bytes) BaselineThenReadOnly()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        Mount("16m");
        string state = Path.Combine(_mount, "s.db");
        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd);
        string lookup = LookupCsv.ToText(Pipeline.Lookup(state));
        byte[] bytes = File.ReadAllBytes(state);
        Support.Shell.Run("mount", "-o", "remount,ro", _mount);
        return (set, state, lookup, bytes);
    }

    public void Dispose()
    {
        if (_mounted)
        {
            var p = Process.Start("umount", ["-l", _mount]);
            p?.WaitForExit();
        }
        try
        {
            Directory.Delete(_mount, true);
        }
        catch (IOException)
        {
        }
    }
}
