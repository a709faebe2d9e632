using System.Globalization;
using Amazon.SQS.Model;
using FlowSpike.Queue;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Tests.Support;
using static FlowSpike.Tests.Queue.QueueFixture;

namespace FlowSpike.Tests.Queue;

/// <summary>
/// The ledger of `watch --queue` keeps only what dedup needs: a row goes once its windows closed more than the
/// lateness ago and the queue's retention (plus a margin) has passed since it was counted, so it stays bounded as
/// windows close; a redelivery always finds its row, a late new object is still read and reported; the ledger is
/// looked up by key, not read whole at start.
/// </summary>
public sealed class QueueLedgerGrowthTests(QueueFixture f) : IClassFixture<QueueFixture>
{
    private const long Lateness = QueueRequest.DefaultLatenessSeconds;
    private const string LateLine = "late record(s) for windows already closed";
    private static readonly Dictionary<string, string> NoEnv = [];

    private static long Sum(Dictionary<string, long> messages, string outcome) =>
        messages.Where(m => m.Key.EndsWith("/" + outcome, StringComparison.Ordinal)).Sum(m => m.Value);

    /// <summary>A queue keeping messages for SQS's shortest retention, a minute.</summary>
    private string ShortQueue(string name) => f.Moto.Sqs.CreateQueueAsync(new CreateQueueRequest
    {
        QueueName = name,
        Attributes = new Dictionary<string, string> { ["MessageRetentionPeriod"] = "60" },
    }).GetAwaiter().GetResult().QueueUrl;

    [Fact]
    public void The_ledger_stays_bounded_as_windows_close_yet_late_objects_count_and_redeliveries_do_not()
    {
        using var c = new QueueCase(f, "bounded");
        string queue = ShortQueue("bounded");
        f.Moto.Notify(c.Bucket, queue);
        // Three batches of six hours, each watched six hours after the last: by then the queue's retention (60 s)
        // plus the margin (1 h) has passed since the batch before was counted.
        for (int r = 0; r < 3; r++)
        {
            var batch = f.Upload(c.Bucket, f.Hours(6 * r, 6 * r + 6));
            var kept = batch.Select(o => $"s3://{c.Bucket}/{o.Key}").ToList();
            (string Key, string ETag, long Size)? late = null;
            if (r > 0)
            {
                // A new object of hour 1, whose windows closed long ago and whose stamps' rows were pruned: read,
                // its records reported late.
                var hour1 = f.Hours(1, 2)[r];
                string key = $"late{r}/" + Path.GetFileName(hour1.File);
                late = (key, f.Moto.Put(c.Bucket, key, hour1.File), new FileInfo(hour1.File).Length);
                kept.Add($"s3://{c.Bucket}/{key}");
            }
            long clock = H(6 * r + 6) + 1200;
            var run = c.Watch(queue, clock, NoEnv);
            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Equal(kept.Count, Sum(QueueCase.Messages(run), "counted"));
            if (late is { } l)
            {
                Assert.Contains(run.Stderr.Split('\n'), line => line.Contains(l.Key, StringComparison.Ordinal)
                    && line.Contains(LateLine, StringComparison.Ordinal));
            }
            c.Detect(H(6 * r), H(6 * r + 6));
            c.AssertSameAsReference(H(6 * r + 6));

            // Bounded: the rows left are this run's (the late object's too, though stamped in a pruned range);
            // every earlier batch's rows went, once their windows were closed and the retention had passed.
            Assert.Equal(kept.Order(StringComparer.Ordinal), c.Ledger().Keys.Order(StringComparer.Ordinal));
            Assert.Equal(batch.Count + (r > 0 ? 1 : 0), c.Ledger().Count);
            if (r > 0)
            {
                using var store = SqliteStateStore.Open(c.State);
                Assert.Equal(H(6 * r + 6) - Lateness - InputSet.Slack, store.LedgerPrunedBelow);
            }

            // Redeliveries of objects counted, in two shapes, within the retention: found, never counted twice.
            string alerts = File.ReadAllText(c.Alerts), lookup = QueueCase.Lookup(c.State);
            var first = batch[0];
            f.Moto.Send(queue, NotificationBodies.S3Record(c.Bucket, first.Key, first.Size, first.ETag));
            f.Moto.Send(queue, NotificationBodies.EventBridge(c.Bucket, first.Key, first.Size, first.ETag));
            if (late is { } again)
                f.Moto.Send(queue, NotificationBodies.S3Record(c.Bucket, again.Key, again.Size, again.ETag));
            var redelivered = c.Watch(queue, clock, NoEnv);
            Assert.True(redelivered.ExitCode == 0, redelivered.Stderr);
            var m = QueueCase.Messages(redelivered);
            Assert.Equal(0, Sum(m, "counted"));
            Assert.Equal(late is null ? 2 : 3, Sum(m, "duplicate"));
            Assert.DoesNotContain(LateLine, redelivered.Stderr, StringComparison.Ordinal);
            Assert.Equal(0, f.Moto.Depth(queue));
            Assert.Equal(alerts, File.ReadAllText(c.Alerts));
            Assert.Equal(lookup, QueueCase.Lookup(c.State));
            Assert.Equal(kept.Count, c.Ledger().Count);
        }
    }

    [Fact]
    public void The_ledger_is_looked_up_by_key_and_a_row_goes_only_when_stamped_and_counted_long_enough_ago()
    {
        using var dir = new TempDir();
        string state = dir.File("ledger.db");
        using var store = SqliteStateStore.Open(state);
        // Many rows of objects counted at t0, stamped a day around it.
        long t0 = H(0);
        for (int i = 0; i < 2000; i++)
        {
            store.RecordFailure(new LedgerEntry(Key("other", t0 + (i - 1000) * 60L), 1, "\"v\"", LedgerEntry.Failed)
            {
                At = t0,
            });
        }
        var ledger = new StoreLedger(store, new InputOptions { Inputs = [] });

        // A row written after the ledger started (by another writer of the state) is found.
        string recent = Key("recent", t0 + 1800);
        Assert.Null(ledger.Find(recent));
        store.RecordFailure(new LedgerEntry(recent, 7, "\"x\"", LedgerEntry.Failed) { At = t0 });
        Assert.Equal(7, ledger.Find(recent)?.Size);
        // A late object: stamped long before, counted after the others.
        string late = Key("late", t0 - 5000 * 60L);
        store.RecordFailure(new LedgerEntry(late, 3, "\"y\"", LedgerEntry.Failed) { At = t0 + 100 });

        // Windows open from t0 + slack + lateness: rows stamped before t0 may go, but only those counted before the
        // horizon given.
        long open = t0 + InputSet.Slack + Lateness;
        Assert.Equal(0, ledger.Prune(open, Lateness, countedBefore: t0, Timeout.InfiniteTimeSpan));
        Assert.Equal(2002, store.LedgerRows());
        Assert.Equal(1000, ledger.Prune(open, Lateness, countedBefore: t0 + 1, Timeout.InfiniteTimeSpan));
        Assert.Equal(t0, ledger.PrunedBelow);
        Assert.Null(ledger.Find(Key("other", t0 - 1000 * 60L)));
        Assert.NotNull(ledger.Find(Key("other", t0)));
        Assert.NotNull(ledger.Find(late));
        Assert.Equal(1, ledger.Prune(open, Lateness, countedBefore: t0 + 101, Timeout.InfiniteTimeSpan));
        Assert.Null(ledger.Find(late));
        // The bound never passes the horizon: of the rows whose windows closed, only those stamped before it go.
        Assert.Equal(2, ledger.Prune(open + 86400, Lateness, countedBefore: t0 + 101, Timeout.InfiniteTimeSpan));
        Assert.Equal(t0 + 101, ledger.PrunedBelow);
        Assert.Equal(999, store.LedgerRows());
    }

    private static string Key(string prefix, long stamp) =>
        $"s3://b/{prefix}/123456789012_vpcflowlogs_us-east-1_fl-1_" +
        DateTimeOffset.FromUnixTimeSeconds(stamp).ToString("yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture) +
        $"_{stamp:x}.log.gz";
}
