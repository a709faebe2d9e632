using FlowSpike.Alerts;
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
}
