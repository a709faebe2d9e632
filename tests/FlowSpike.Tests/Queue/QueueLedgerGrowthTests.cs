using System.Globalization;
using FlowSpike.Queue;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Tests.Support;
using static FlowSpike.Tests.Queue.QueueFixture;

namespace FlowSpike.Tests.Queue;

/// <summary>
/// The ledger of `watch --queue` keeps only what dedup needs: rows of long-closed windows are pruned as windows close,
/// a notification of a pruned object is a duplicate (never counted again), and the ledger is looked up by key, not
/// read whole at start.
/// </summary>
public sealed class QueueLedgerGrowthTests(QueueFixture f) : IClassFixture<QueueFixture>
{
    private const long Lateness = QueueRequest.DefaultLatenessSeconds;
    private static readonly Dictionary<string, string> NoEnv = [];

    private static long Sum(Dictionary<string, long> messages, string outcome) =>
        messages.Where(m => m.Key.EndsWith("/" + outcome, StringComparison.Ordinal)).Sum(m => m.Value);

    private static long Stamp(string key) => DatePrefix.FileStamp(key[(key.LastIndexOf('/') + 1)..])!.Value;

    [Fact]
    public void Rows_of_long_closed_windows_leave_the_ledger_as_windows_close()
    {
        using var c = new QueueCase(f, "prune");
        string queue = f.Moto.CreateQueue("prune");
        f.Moto.CreateBucket(c.Bucket, queue);
        var objects = f.Upload(c.Bucket, f.Hours(0, 12));

        var run = c.Watch(queue, H(12) + 1200, NoEnv);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(objects.Count, Sum(QueueCase.Messages(run), "counted"));

        // Windows up to 12:00 closed: rows of objects stamped before 12:00 - lateness - the lister's slack went.
        long bound = H(12) - Lateness - InputSet.Slack;
        using (var store = SqliteStateStore.Open(c.State))
            Assert.Equal(bound, store.LedgerPrunedBelow);
        var kept = c.Ledger().Keys.Order(StringComparer.Ordinal).ToList();
        var expected = objects.Where(o => Stamp(o.Key) >= bound).Select(o => $"s3://{c.Bucket}/{o.Key}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.Count < objects.Count / 4, $"{expected.Count} of {objects.Count} objects kept");
        Assert.Equal(expected, kept);
        // Pruning changed nothing counted.
        c.AssertSameAsDetect(H(12));
    }

    [Fact]
    public void A_redelivered_notification_of_a_pruned_object_counts_nothing()
    {
        using var c = new QueueCase(f, "pruned-again");
        string queue = f.Moto.CreateQueue("pruned-again");
        var objects = f.Upload(c.Bucket, f.Hours(0, 6));
        foreach (var (key, etag, size) in objects)
            f.Moto.Send(queue, NotificationBodies.S3Record(c.Bucket, key, size, etag));
        var first = c.Watch(queue, H(6) + 1200, NoEnv);
        Assert.True(first.ExitCode == 0, first.Stderr);
        // The ledger forgets what windows up to 06:00 no longer need (as this watch, the polling one or `state
        // compact` prune it).
        using (var store = SqliteStateStore.Open(c.State))
            store.PruneLedger(SqliteStateStore.LedgerPruneBound(H(6), Lateness), Timeout.InfiniteTimeSpan);
        var (oldKey, oldETag, oldSize) = objects[0];
        string path = $"s3://{c.Bucket}/{oldKey}";
        Assert.DoesNotContain(path, c.Ledger().Keys);
        string alerts = File.ReadAllText(c.Alerts), lookup = QueueCase.Lookup(c.State);

        // S3 delivers its notification again, in two shapes.
        f.Moto.Send(queue, NotificationBodies.S3Record(c.Bucket, oldKey, oldSize, oldETag));
        f.Moto.Send(queue, NotificationBodies.EventBridge(c.Bucket, oldKey, oldSize, oldETag));
        var again = c.Watch(queue, H(6) + 1200, NoEnv);
        Assert.True(again.ExitCode == 0, again.Stderr);
        var m = QueueCase.Messages(again);
        Assert.Equal(0, Sum(m, "counted"));
        Assert.Equal(2, Sum(m, "duplicate"));
        Assert.Equal(0, f.Moto.Depth(queue));
        Assert.DoesNotContain("late record(s)", again.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(path, c.Ledger().Keys);
        Assert.Equal(alerts, File.ReadAllText(c.Alerts));
        Assert.Equal(lookup, QueueCase.Lookup(c.State));
    }

    [Fact]
    public void The_ledger_is_looked_up_by_key_in_the_state_not_read_whole_at_start()
    {
        using var dir = new TempDir();
        string state = dir.File("ledger.db");
        using var store = SqliteStateStore.Open(state);
        // Many rows of unrelated objects, a day of them stamped before the bound pruned below.
        long t0 = H(0);
        for (int i = 0; i < 2000; i++)
            store.RecordFailure(new LedgerEntry(Key("other", t0 + (i - 1000) * 60L), 1, "\"v\"", LedgerEntry.Failed));
        var ledger = new StoreLedger(store, new InputOptions { Inputs = [] });

        // A row written after the ledger started (by another writer of the state) is found ...
        string late = Key("late", t0 + 1800);
        Assert.Null(ledger.Find(late));
        store.RecordFailure(new LedgerEntry(late, 7, "\"x\"", LedgerEntry.Failed));
        Assert.Equal(7, ledger.Find(late)?.Size);
        // ... and rows pruned after it started are gone from what it finds, as from the state.
        string old = Key("other", t0 - 1000 * 60L);
        Assert.NotNull(ledger.Find(old));
        Assert.False(ledger.Forgotten(old));
        long removed = ledger.Prune(t0 + InputSet.Slack + Lateness, Lateness, Timeout.InfiniteTimeSpan);
        Assert.Equal(1000, removed);
        Assert.Equal(1001, store.LedgerRows());
        Assert.Null(ledger.Find(old));
        // A pruned object is known as forgotten by its stamp; a kept one, or one without a stamp, is not.
        Assert.True(ledger.Forgotten(old));
        Assert.False(ledger.Forgotten(late));
        Assert.False(ledger.Forgotten("s3://b/unstamped.log.gz"));
    }

    private static string Key(string prefix, long stamp) =>
        $"s3://b/{prefix}/123456789012_vpcflowlogs_us-east-1_fl-1_" +
        DateTimeOffset.FromUnixTimeSeconds(stamp).ToString("yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture) +
        $"_{stamp:x}.log.gz";
}
