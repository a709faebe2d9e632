using System.Diagnostics;
using FlowSpike.Alerts;
using FlowSpike.Tests.Faults;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Alerts;

/// <summary>
/// The alert file can be rotated under a running watch: copytruncate leaves no NUL bytes (the sink appends with
/// O_APPEND), a rename is followed by a new file at the path, and SIGHUP's reopen takes the path anew.
/// </summary>
public sealed class FileRotationTests
{
    private static readonly Alert First = AlertFormatTests.Sample("10.0.0.5");
    private static readonly Alert Second = AlertFormatTests.Sample("10.0.0.6");
    private static readonly Alert Third = AlertFormatTests.Sample("10.0.0.7");

    [Fact]
    public void Copytruncate_leaves_whole_lines_and_no_nul_bytes()
    {
        using var dir = new TempDir();
        string path = dir.File("alerts.jsonl");
        using var sink = new FileAlertSink(path);
        sink.Deliver([AlertFormatTests.Pending(First)]);
        // logrotate's copytruncate: copy, then cut the file to zero while the sink keeps it open.
        File.Copy(path, path + ".1");
        using (var cut = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            cut.SetLength(0);
        sink.Deliver([AlertFormatTests.Pending(Second)]);
        byte[] bytes = File.ReadAllBytes(path);
        Assert.DoesNotContain((byte)0, bytes);
        string line = Assert.Single(File.ReadAllLines(path));
        Assert.Contains(Second.Id, line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_renamed_file_is_followed_by_a_new_one_at_the_path()
    {
        using var dir = new TempDir();
        string path = dir.File("alerts.jsonl");
        using var sink = new FileAlertSink(path);
        sink.Deliver([AlertFormatTests.Pending(First)]);
        File.Move(path, path + ".1");
        sink.Deliver([AlertFormatTests.Pending(Second)]);
        Assert.Contains(Second.Id, Assert.Single(File.ReadAllLines(path)), StringComparison.Ordinal);
        Assert.Contains(First.Id, Assert.Single(File.ReadAllLines(path + ".1")), StringComparison.Ordinal);

        // logrotate's create: an empty file of its own at the path; SIGHUP's reopen (or the length) finds it.
        File.Move(path, path + ".2");
        File.WriteAllText(path, "");
        FileAlertSink.ReopenAll();
        sink.Deliver([AlertFormatTests.Pending(Third)]);
        Assert.Contains(Third.Id, Assert.Single(File.ReadAllLines(path)), StringComparison.Ordinal);
        Assert.Single(File.ReadAllLines(path + ".2"));
    }

    [Fact]
    public async Task Sighup_makes_watch_reopen_its_alert_file_instead_of_ending_it()
    {
        using var dir = new TempDir();
        var data = new FlowSpike.Tests.Faults.DeliveryFaultData(dir);
        string path = dir.File("alerts.jsonl");
        string clock = dir.Write("clock", (DeliveryFaultData.T0 + 77 * 3600).ToString(
            System.Globalization.CultureInfo.InvariantCulture));
        using var watch = Process.Start(Support.Cli.StartInfo(["watch", "--input", data.Input, "--state", data.State,
            "--out", path, "--clock", clock, "--listen", "none", "--poll-interval", "1s"]))!;
        watch.StandardInput.Close();
        var stderr = watch.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            for (int i = 0; i < 120 && !watch.HasExited && LineCount(path) < 4; i++)
                await Task.Delay(250, TestContext.Current.CancellationToken);
            if (LineCount(path) != 4)
            {
                watch.Kill(entireProcessTree: true);
                Assert.Fail($"{LineCount(path)} alert line(s), not 4: {await stderr}");
            }
            // logrotate's rename, then its postrotate: systemctl kill --signal=HUP.
            File.Move(path, path + ".1");
            Signal("HUP", watch.Id);
            await Task.Delay(1500, TestContext.Current.CancellationToken);
            Assert.False(watch.HasExited, $"SIGHUP ended watch with exit {(watch.HasExited ? watch.ExitCode : 0)}");
            Signal("TERM", watch.Id);
            Assert.True(watch.WaitForExit(TimeSpan.FromSeconds(30)), "watch did not stop on SIGTERM");
            Assert.True(watch.ExitCode == 0, $"exit {watch.ExitCode}: {await stderr}");
            Assert.Equal(4, LineCount(path + ".1"));
        }
        finally
        {
            if (!watch.HasExited)
                watch.Kill(entireProcessTree: true);
        }
    }

    private static int LineCount(string path) => File.Exists(path) ? File.ReadAllLines(path).Length : 0;

    private static void Signal(string name, int pid)
    {
        using var kill = Process.Start("kill", [$"-{name}", pid.ToString(
            System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
