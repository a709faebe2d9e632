using FlowSpike.State;
using static FlowSpike.Tests.Queue.QueueFixture;

namespace FlowSpike.Tests.Queue;

/// <summary>
/// The fault matrix of `watch --queue` against moto, each case through the CLI: alerts and lookup equal detect's over
/// the same objects, whatever the queue delivers twice, loses for a while, or cannot be read.
/// </summary>
public sealed class QueueFaultTests(QueueFixture f) : IClassFixture<QueueFixture>
{
    private static readonly Dictionary<string, string> NoEnv = [];

    private static long Sum(Dictionary<string, long> messages, string outcome) =>
        messages.Where(m => m.Key.EndsWith("/" + outcome, StringComparison.Ordinal)).Sum(m => m.Value);

    [Fact]
    public void Duplicates_of_every_shape_count_each_object_once()
    {
        using var c = new QueueCase(f, "shapes");
        string queue = f.Moto.CreateQueue("shapes");
        var objects = f.Upload(c.Bucket, f.Hours(0, 6));
        foreach (var (key, etag, size) in objects)
        {
            string s3 = NotificationBodies.S3Record(c.Bucket, key, size, etag);
            f.Moto.Send(queue, s3);
            f.Moto.Send(queue, NotificationBodies.Sns(s3));
            f.Moto.Send(queue, NotificationBodies.EventBridge(c.Bucket, key, size, etag));
            f.Moto.Send(queue, s3); // raw SNS delivery, or S3 itself delivering twice
        }
        f.Moto.Send(queue, NotificationBodies.TestEvent(c.Bucket));
        f.Moto.Send(queue, NotificationBodies.Sns(NotificationBodies.TestEvent(c.Bucket)));
        f.Moto.Send(queue, NotificationBodies.S3Record(c.Bucket, objects[0].Key, 0, "x", "ObjectRemoved:Delete"));
        f.Moto.Send(queue, NotificationBodies.EventBridge(c.Bucket, objects[1].Key, 0, "x", "Object Deleted"));
        f.Moto.Send(queue, NotificationBodies.S3Record(c.Bucket, "elsewhere/not-a-flow-log.txt", 5, "y"));

        var run = c.Watch(queue, H(6) + 1200, NoEnv, "--key-prefix", "AWSLogs/");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var m = QueueCase.Messages(run);
        Assert.Equal(objects.Count, Sum(m, "counted"));
        Assert.Equal(3L * objects.Count, Sum(m, "duplicate"));
        Assert.Equal(2, Sum(m, "test"));
        Assert.Equal(2, Sum(m, "ignored"));
        Assert.Equal(1, Sum(m, "declined"));
        Assert.Equal(0, f.Moto.Depth(queue));
        Assert.Equal(objects.Count, c.Ledger().Count);
        c.AssertSameAsDetect(H(6));
    }

    [Theory]
    [InlineData("received")]
    [InlineData("counted")]
    public void A_kill_between_receive_count_and_delete_loses_and_doubles_nothing(string stage)
    {
        using var c = new QueueCase(f, "kill-" + stage);
        string queue = f.Moto.CreateQueue("kill-" + stage);
        f.Moto.CreateBucket(c.Bucket, queue);
        // Hours 0-3 counted while no window may close yet...
        var counted = f.Upload(c.Bucket, f.Hours(0, 4));
        Assert.Equal(0, c.Watch(queue, H(0), NoEnv).ExitCode);
        // ...then hours 4-5, whose first objects also hold records of window 3. The clock allows windows 0-5 to
        // close, but the messages in flight after the kill hold them until their objects are counted: closing
        // window 3 without them would differ from detect.
        var objects = f.Upload(c.Bucket, f.Hours(4, 6));
        c.KillAt(queue, H(6) + 1200, "test pause: " + stage,
            new Dictionary<string, string> { ["FLOWSPIKE_TEST_QUEUE_PAUSE"] = stage }, "--visibility-timeout", "3s");
        if (stage == "counted")
            Assert.Equal(counted.Count + objects.Count, c.Ledger().Values.Count(e => e.Status == LedgerEntry.Counted));
        var run = c.Watch(queue, H(6) + 1200, NoEnv, "--visibility-timeout", "3s");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var m = QueueCase.Messages(run);
        Assert.Equal(stage == "counted" ? 0 : objects.Count, Sum(m, "counted"));
        Assert.Equal(stage == "counted" ? objects.Count : 0, Sum(m, "duplicate"));
        Assert.Equal(0, f.Moto.Depth(queue));
        c.AssertSameAsDetect(H(6));
    }

    [Fact]
    public void A_slow_object_keeps_its_message_invisible_past_the_timeout()
    {
        using var c = new QueueCase(f, "slow");
        string queue = f.Moto.CreateQueue("slow");
        f.Moto.CreateBucket(c.Bucket, queue);
        var objects = f.Upload(c.Bucket, f.Hours(0, 4));
        var env = f.Moto.Environment;
        env["FLOWSPIKE_TEST_READ_DELAY_MS"] = "700";
        using var p = System.Diagnostics.Process.Start(Support.Cli.StartInfo(
            c.WatchArgs(queue, H(4) + 1200, "--visibility-timeout", "2s", "--threads", "1"), env))!;
        p.StandardInput.Close();
        var stderr = new System.Text.StringBuilder();
        p.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
                stderr.AppendLine(e.Data);
        };
        p.BeginErrorReadLine();
        _ = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        // 8 objects at 0.7 s each: the round takes about 6 s, three visibility timeouts. Another consumer looking
        // meanwhile must find nothing.
        Thread.Sleep(1500);
        var stolen = new List<string>();
        for (int i = 0; i < 12 && !p.HasExited; i++)
        {
            stolen.AddRange(f.Moto.Receive(queue));
            Thread.Sleep(300);
        }
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(2)));
        Assert.True(p.ExitCode == 0, stderr.ToString());
        Assert.Empty(stolen);
        Assert.Equal(objects.Count, c.Ledger().Count);
        c.AssertSameAsDetect(H(4));
    }

    [Fact]
    public void A_poison_body_is_never_deleted_and_goes_to_the_dead_letter_queue()
    {
        using var c = new QueueCase(f, "poison");
        string queue = f.Moto.CreateQueue("poison", maxReceives: 2);
        f.Moto.CreateBucket(c.Bucket, queue);
        f.Upload(c.Bucket, f.Hours(0, 4));
        f.Moto.Send(queue, "this is not a notification");
        f.Moto.Send(queue, "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\"}]}");
        var run = c.Watch(queue, H(4) + 1200, NoEnv, "--visibility-timeout", "5s");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("left on the queue for its redrive policy", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, Sum(QueueCase.Messages(run), "left"));
        Assert.Equal(2, f.Moto.Depth(queue));
        // A poison body cannot add records: the windows closed all the same.
        c.AssertSameAsDetect(H(4));
        string dlq = queue + "-dlq";
        for (int i = 0; i < 5 && f.Moto.Depth(dlq) < 2; i++)
        {
            Thread.Sleep(1100);
            Assert.Equal(0, c.Watch(queue, H(4) + 1200, NoEnv, "--visibility-timeout", "1s").ExitCode);
        }
        Assert.Equal(2, f.Moto.Depth(dlq));
        Assert.Equal(0, f.Moto.Depth(queue));
    }

    [Fact]
    public void Objects_deleted_or_overwritten_before_they_are_read_are_recorded_and_their_messages_deleted()
    {
        using var c = new QueueCase(f, "gone");
        string queue = f.Moto.CreateQueue("gone");
        f.Moto.CreateBucket(c.Bucket, queue);
        var hours = f.Hours(0, 4);
        f.Upload(c.Bucket, hours);
        // A copy under another name, deleted before watch reads it.
        string extra = hours[2].Key.Replace(".log.gz", "-copy.log.gz", StringComparison.Ordinal);
        f.Moto.Put(c.Bucket, extra, hours[2].File);
        f.Moto.Delete(c.Bucket, extra);
        // An object overwritten with other content (a new ETag): only the content there now is counted.
        f.Moto.Put(c.Bucket, hours[4].Key, hours[5].File);
        var run = c.Watch(queue, H(4) + 1200, NoEnv);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains($"{extra}: no longer exists", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("overwritten before it was read", run.Stderr, StringComparison.Ordinal);
        var m = QueueCase.Messages(run);
        Assert.Equal(2, Sum(m, "recorded"));
        Assert.Equal(1, Sum(m, "ignored")); // the ObjectRemoved event
        Assert.Equal(0, f.Moto.Depth(queue));
        var ledger = c.Ledger();
        Assert.Equal(LedgerEntry.Failed, ledger[$"s3://{c.Bucket}/{extra}"].Status);
        Assert.Equal(LedgerEntry.Counted, ledger[$"s3://{c.Bucket}/{hours[4].Key}"].Status);
        c.AssertSameAsDetect(H(4));
    }

    [Fact]
    public void A_window_whose_objects_arrive_after_the_clock_passed_its_end_waits_for_them()
    {
        using var c = new QueueCase(f, "late");
        string queue = f.Moto.CreateQueue("late");
        f.Moto.CreateBucket(c.Bucket, queue);
        f.Upload(c.Bucket, f.Hours(0, 3));
        var first = c.Watch(queue, H(6) + 1200, NoEnv);
        Assert.True(first.ExitCode == 0, first.Stderr);
        // Window 3 has no records yet: held, not closed as quiet.
        c.Detect(H(0), H(3));
        c.AssertSameAsReference(H(3));
        // Its objects arrive after the clock passed its end: counted, then it closes. The first of them also hold
        // records of window 2, closed already: late, never scored.
        f.Upload(c.Bucket, f.Hours(3, 6));
        var second = c.Watch(queue, H(6) + 1200, NoEnv);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("late record(s) for windows already closed", second.Stderr, StringComparison.Ordinal);
        c.Detect(H(3), H(6));
        c.AssertSameAsReference(H(6));

        // A new object with records of closed windows: counted as late, the closed windows unchanged.
        string alerts = File.ReadAllText(c.Alerts), lookup = QueueCase.Lookup(c.State);
        var hour1 = f.Hours(1, 2)[0];
        f.Moto.Put(c.Bucket, "late/" + Path.GetFileName(hour1.File), hour1.File);
        var third = c.Watch(queue, H(6) + 1200, NoEnv);
        Assert.True(third.ExitCode == 0, third.Stderr);
        Assert.Contains("late record(s) for windows already closed", third.Stderr, StringComparison.Ordinal);
        Assert.Equal(alerts, File.ReadAllText(c.Alerts));
        Assert.Equal(lookup, QueueCase.Lookup(c.State));
    }

    [Fact]
    public void A_backfill_and_the_queue_count_objects_seen_both_ways_once()
    {
        using var c = new QueueCase(f, "backfill");
        string queue = f.Moto.CreateQueue("backfill");
        // History from before the notifications were set up, then objects notified, some listed too.
        f.Upload(c.Bucket, f.Hours(0, 3));
        f.Moto.Notify(c.Bucket, queue);
        var notified = f.Upload(c.Bucket, f.Hours(2, 5));
        var run = c.Watch(queue, H(5) + 1200, NoEnv, "--backfill-from", Time.TimeRange.Format(H(0)), "--input",
            $"s3://{c.Bucket}/AWSLogs/");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(f.Hours(0, 5).Count, c.Ledger().Count);
        Assert.Equal(notified.Count, Sum(QueueCase.Messages(run), "duplicate"));
        c.AssertSameAsDetect(H(5));
    }
}
