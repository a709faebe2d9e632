using FlowSpike.Records;
using FlowSpike.Watch;

namespace FlowSpike.Queue;

/// <summary>
/// The receive, read, count and delete sequence of queue mode, written once for `watch --queue` and for every silo
/// of `cluster watch`: what differs is only the ledger the counts commit to.
/// </summary>
internal sealed class QueueConsumer : IDisposable
{
    private readonly Amazon.S3.IAmazonS3 _s3;

    public QueueConsumer(QueueRequest queue, S3Settings s3, ICountLedger ledger, int threads, WatchMetrics metrics,
        QueueMetrics queueMetrics, IRunLog log)
    {
        Request = queue;
        Client = queue.CreateClient();
        _s3 = s3.CreateClient();
        Heartbeat = new VisibilityHeartbeat(Client, queue.VisibilitySeconds, log.Warn);
        Round = new QueueRound(Client, queue, Heartbeat, new ObjectCounter(ledger, _s3, metrics, log), queueMetrics,
            log, threads);
    }

    public QueueRequest Request { get; }

    internal QueueClient Client { get; }

    internal VisibilityHeartbeat Heartbeat { get; }

    internal QueueRound Round { get; }

    /// <summary>Receives and handles one round (waiting up to <paramref name="waitSeconds"/> for a first message);
    /// returns how many messages it received.</summary>
    public int Run(int waitSeconds, long open, long size, long clock, CancellationToken cancellation) =>
        Round.Run(waitSeconds, open, size, clock, cancellation);

    /// <summary>
    /// After a round: its last receive found the queue exhausted, nothing is delayed, and no message this consumer
    /// left on the queue may still add records. Every message visible before that receive is then committed or in
    /// flight at another consumer.
    /// </summary>
    public bool Drained()
    {
        var now = DateTime.UtcNow;
        foreach (var (id, _) in Round.LeftOnQueue.Where(l => l.Value.Until <= now).ToList())
            Round.LeftOnQueue.Remove(id);
        if (!Round.Exhausted || Round.LeftOnQueue.Values.Any(l => l.MayAddRecords))
            return false;
        try
        {
            return Client.Depth().Delayed == 0;
        }
        catch (QueueException)
        {
            return false;
        }
    }

    /// <summary>
    /// After a round, for a silo's metrics: the queue's backlog, and (once a minute) the depth of the dead-letter
    /// queue its redrive policy names. A failure to look is not the round's: it waits for the next look.
    /// </summary>
    public void Observe(QueueMetrics metrics)
    {
        try
        {
            metrics.Backlog(Client.Depth().Visible);
            if (DateTime.UtcNow < _nextDeadLetterLook)
                return;
            _nextDeadLetterLook = DateTime.UtcNow.AddMinutes(1);
            _deadLetters ??= Client.DeadLetterUrl() ?? "";
            if (_deadLetters.Length > 0)
                metrics.DeadLetters(Client.Depth(_deadLetters).Visible);
        }
        catch (QueueException)
        {
        }
    }

    private DateTime _nextDeadLetterLook = DateTime.MinValue;
    private string? _deadLetters;

    public void Dispose()
    {
        Heartbeat.Dispose();
        Client.Dispose();
        _s3.Dispose();
    }
}
