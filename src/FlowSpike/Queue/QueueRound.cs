using System.Globalization;
using Amazon.SQS.Model;
using FlowSpike.Runs;

namespace FlowSpike.Queue;

/// <summary>
/// One round of queue mode: receive until the notified objects reach the byte budget (or the queue has no more),
/// count the objects, then delete the messages whose objects are all committed. A message of no known shape, or one
/// with an object that failed for a reason that may pass, is left on the queue (not extended, so it comes back after
/// its visibility timeout and, received too often, goes to the dead-letter queue).
/// </summary>
internal sealed class QueueRound(QueueClient queue, QueueRequest request, VisibilityHeartbeat heartbeat,
    ObjectCounter counter, QueueMetrics metrics, IRunLog log, int threads)
{
    /// <summary>A message left on the queue: until when it stays invisible, and whether it may still add records
    /// (a transient failure) or cannot (a body of no known shape).</summary>
    public readonly record struct Left(DateTime Until, bool MayAddRecords);

    /// <summary>Messages this process left on the queue and that are still invisible, by message id.</summary>
    public ObjectCounter Counter => counter;

    public Dictionary<string, Left> LeftOnQueue { get; } = new(StringComparer.Ordinal);

    private sealed record Held(Message Message, Notification Body)
    {
        public ObjectOutcome[] Outcomes { get; } = new ObjectOutcome[Body.Created.Count];
    }

    /// <summary>Whether the round's last receive found fewer messages than it could take: nothing else was visible
    /// when it started (at <see cref="LastReceiveAt"/>).</summary>
    public bool Exhausted { get; private set; }

    public DateTime LastReceiveAt { get; private set; }

    /// <summary>Receives and handles one round; returns how many messages it received (0: the queue looked
    /// empty).</summary>
    public int Run(int waitSeconds, long open, long size, long clock, CancellationToken cancellation)
    {
        var held = Receive(waitSeconds, cancellation);
        if (held.Count == 0)
            return 0;
        TestPause("received");
        var work = new Dictionary<string, List<(Held Message, int Index)>>(StringComparer.Ordinal);
        var delete = new List<Held>();
        foreach (var h in held)
        {
            if (h.Body.Shape == BodyShape.Unknown)
            {
                Leave(h, mayAddRecords: false, $"its body is {h.Body.Problem}");
                metrics.Message("unknown", "left");
                continue;
            }
            foreach (string kind in h.Body.Ignored)
                metrics.Ignored(kind);
            for (int i = 0; i < h.Body.Created.Count; i++)
            {
                var o = h.Body.Created[i];
                if (!request.Accepts(o.Key))
                {
                    h.Outcomes[i] = ObjectOutcome.Declined;
                    continue;
                }
                if (!work.TryGetValue(o.Path, out var list))
                    work[o.Path] = list = [];
                list.Add((h, i));
            }
        }
        // Keys in parallel; the versions of one key in order, so a duplicate finds the first one's commit.
        Parallel.ForEach(work.Values, new ParallelOptions { MaxDegreeOfParallelism = threads }, list =>
        {
            foreach (var (h, i) in list)
                h.Outcomes[i] = counter.Count(h.Body.Created[i], open, size, clock, cancellation);
        });
        cancellation.ThrowIfCancellationRequested();
        TestPause("counted");
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        foreach (var h in held.Where(h => h.Body.Shape != BodyShape.Unknown))
        {
            foreach (var o in h.Outcomes)
                metrics.Object(o.Label());
            if (h.Outcomes.Contains(ObjectOutcome.Transient))
            {
                Leave(h, mayAddRecords: true, "an object could not be read for a reason that may pass");
                metrics.Message(Shape(h.Body), "left");
                continue;
            }
            metrics.Message(Shape(h.Body), Outcome(h));
            if (h.Outcomes.Contains(ObjectOutcome.Counted) && Sent(h.Message) is { } sent)
                metrics.Lag(now - sent);
            delete.Add(h);
        }
        var failed = queue.Delete([.. delete.Select(h => h.Message.ReceiptHandle)]);
        foreach (var (_, reason) in failed)
            log.Warn($"{queue.Url}: a message was not deleted ({reason}); it comes back and is deleted then, its " +
                "objects counted once");
        metrics.DeleteFailed(failed.Count);
        foreach (var h in delete)
        {
            heartbeat.Release(h.Message.ReceiptHandle);
            LeftOnQueue.Remove(h.Message.MessageId);
        }
        return held.Count;
    }

    private List<Held> Receive(int waitSeconds, CancellationToken cancellation)
    {
        var held = new List<Held>();
        long bytes = 0, now = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), oldest = long.MaxValue;
        while (!cancellation.IsCancellationRequested)
        {
            LastReceiveAt = DateTime.UtcNow;
            var got = queue.Receive(held.Count == 0 ? waitSeconds : 0, request.VisibilitySeconds, cancellation);
            Exhausted = got.Count < QueueClient.Batch;
            foreach (var m in got)
            {
                heartbeat.Hold(m.ReceiptHandle);
                var body = NotificationParser.Parse(m.Body ?? "");
                bytes += body.Created.Sum(o => Math.Max(0, o.Size));
                held.Add(new Held(m, body));
                if (Sent(m) is { } sent)
                    oldest = Math.Min(oldest, sent);
            }
            if (got.Count < QueueClient.Batch || bytes >= request.BytesInFlight)
                break;
        }
        if (oldest != long.MaxValue)
            metrics.OldestAge(now - oldest);
        return held;
    }

    private void Leave(Held h, bool mayAddRecords, string why)
    {
        heartbeat.Release(h.Message.ReceiptHandle);
        bool again = LeftOnQueue.ContainsKey(h.Message.MessageId);
        LeftOnQueue[h.Message.MessageId] =
            new Left(DateTime.UtcNow.AddSeconds(request.VisibilitySeconds), mayAddRecords);
        string count = h.Message.Attributes?.GetValueOrDefault("ApproximateReceiveCount") ?? "?";
        if (!again)
            log.Warn($"{queue.Url}: message {h.Message.MessageId} (received {count} time(s)): {why}; left on the " +
                "queue for its redrive policy");
    }

    private static string Shape(Notification n) => n.Shape switch
    {
        BodyShape.S3Records => "s3",
        BodyShape.Sns => "sns",
        BodyShape.EventBridge => "eventbridge",
        BodyShape.TestEvent => "test",
        _ => "unknown",
    };

    /// <summary>The message's outcome: what the most of its objects says.</summary>
    private static string Outcome(Held h) =>
        h.Body.IsTest ? "test"
        : h.Outcomes.Contains(ObjectOutcome.Counted) ? "counted"
        : h.Outcomes.Any(o => o is ObjectOutcome.Duplicate or ObjectOutcome.Changed) ? "duplicate"
        : h.Outcomes.Any(o => o is ObjectOutcome.Missing or ObjectOutcome.Unreadable) ? "recorded"
        : h.Outcomes.Contains(ObjectOutcome.Declined) ? "declined"
        : "ignored";

    private static long? Sent(Message m) =>
        m.Attributes?.GetValueOrDefault("SentTimestamp") is { } ms
        && long.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out long t) ? t / 1000 : null;

    /// <summary>A test's hook may stop here for ever, so it can kill -9 the process between receive and count, or
    /// between count and delete.</summary>
    private static void TestPause(string stage) => TestHooks.QueueStep?.Invoke(stage);
}
