using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace FlowSpike.Queue;

/// <summary>
/// The SQS calls queue mode makes, and nothing else (deploy/iam/sqs-queue-input.json allows exactly these):
/// ReceiveMessage, ChangeMessageVisibilityBatch, DeleteMessageBatch and GetQueueAttributes (on the queue and on the
/// dead-letter queue its redrive policy names).
/// </summary>
internal sealed class QueueClient(IAmazonSQS sqs, string queueUrl) : IDisposable
{
    /// <summary>SQS's largest batch, for receives and batch calls alike.</summary>
    public const int Batch = 10;

    public string Url => queueUrl;

    /// <summary>Messages visible to a receive, in flight (received, not deleted), and delayed.</summary>
    public readonly record struct Backlog(long Visible, long InFlight, long Delayed);

    public List<Message> Receive(int waitSeconds, int visibilitySeconds, CancellationToken cancellation) =>
        Call("ReceiveMessage", () => sqs.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = queueUrl,
            MaxNumberOfMessages = Batch,
            WaitTimeSeconds = waitSeconds,
            VisibilityTimeout = visibilitySeconds,
            MessageSystemAttributeNames = ["SentTimestamp", "ApproximateReceiveCount"],
        }, cancellation)).Messages ?? [];

    /// <summary>Sets the visibility of messages in flight; returns how many could not be extended (already
    /// gone).</summary>
    public int ExtendVisibility(IReadOnlyList<string> receipts, int seconds)
    {
        int failed = 0;
        foreach (var chunk in receipts.Chunk(Batch))
        {
            var response = Call("ChangeMessageVisibilityBatch", () => sqs.ChangeMessageVisibilityBatchAsync(
                new ChangeMessageVisibilityBatchRequest
                {
                    QueueUrl = queueUrl,
                    Entries = [.. chunk.Select((r, i) => new ChangeMessageVisibilityBatchRequestEntry
                    {
                        Id = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ReceiptHandle = r,
                        VisibilityTimeout = seconds,
                    })],
                }));
            failed += response.Failed?.Count ?? 0;
        }
        return failed;
    }

    /// <summary>
    /// Deletes messages by receipt handle, checking every entry: returns the ones SQS did not delete, with its
    /// reason. (They come back and are deleted then as duplicates: their objects are committed.)
    /// </summary>
    public List<(string Receipt, string Reason)> Delete(IReadOnlyList<string> receipts)
    {
        var failed = new List<(string, string)>();
        foreach (var chunk in receipts.Chunk(Batch))
        {
            var response = Call("DeleteMessageBatch", () => sqs.DeleteMessageBatchAsync(new DeleteMessageBatchRequest
            {
                QueueUrl = queueUrl,
                Entries = [.. chunk.Select((r, i) => new DeleteMessageBatchRequestEntry
                {
                    Id = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ReceiptHandle = r,
                })],
            }));
            var ok = new HashSet<string>(response.Successful?.Select(s => s.Id) ?? [], StringComparer.Ordinal);
            var reasons = (response.Failed ?? []).ToDictionary(f => f.Id, f => $"{f.Code}: {f.Message}",
                StringComparer.Ordinal);
            for (int i = 0; i < chunk.Length; i++)
            {
                string id = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (!ok.Contains(id))
                    failed.Add((chunk[i], reasons.GetValueOrDefault(id, "not in the response")));
            }
        }
        return failed;
    }

    public Backlog Depth() => Depth(queueUrl);

    /// <summary>The URL of the dead-letter queue the redrive policy names (same account and endpoint), if
    /// any.</summary>
    public string? DeadLetterUrl()
    {
        var attributes = Attributes(queueUrl, "RedrivePolicy");
        if (attributes.GetValueOrDefault("RedrivePolicy") is not { Length: > 0 } policy)
            return null;
        using var doc = System.Text.Json.JsonDocument.Parse(policy);
        if (!doc.RootElement.TryGetProperty("deadLetterTargetArn", out var arn) || arn.GetString() is not { } text)
            return null;
        // arn:aws:sqs:REGION:ACCOUNT:NAME; queue URLs end in /ACCOUNT/NAME.
        var parts = text.Split(':');
        if (parts.Length != 6)
            return null;
        var uri = new Uri(queueUrl);
        return new UriBuilder(uri) { Path = $"/{parts[4]}/{parts[5]}" }.Uri.ToString();
    }

    /// <summary>SQS's longest message retention, 14 days: what a queue that does not say may keep.</summary>
    public const long MaxRetentionSeconds = 14 * 86400L;

    /// <summary>How long SQS keeps a message on the queue at <paramref name="url"/> (MessageRetentionPeriod).</summary>
    public long RetentionSeconds(string url) =>
        long.TryParse(Attributes(url, "MessageRetentionPeriod").GetValueOrDefault("MessageRetentionPeriod"),
            out long seconds) && seconds > 0 ? seconds : MaxRetentionSeconds;

    public Backlog Depth(string url)
    {
        var a = Attributes(url, "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed");
        static long N(Dictionary<string, string> a, string name) =>
            long.TryParse(a.GetValueOrDefault(name), out long n) ? n : 0;
        return new Backlog(N(a, "ApproximateNumberOfMessages"), N(a, "ApproximateNumberOfMessagesNotVisible"),
            N(a, "ApproximateNumberOfMessagesDelayed"));
    }

    private Dictionary<string, string> Attributes(string url, params string[] names) =>
        Call("GetQueueAttributes", () => sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest
        {
            QueueUrl = url,
            AttributeNames = [.. names],
        })).Attributes ?? [];

    private T Call<T>(string action, Func<Task<T>> call)
    {
        try
        {
            return call().GetAwaiter().GetResult();
        }
        catch (AmazonSQSException e)
        {
            throw new QueueException($"{queueUrl}: {action} failed ({e.ErrorCode}: {e.Message})", e,
                transient: e.StatusCode >= System.Net.HttpStatusCode.InternalServerError
                    || e.ErrorCode is "ThrottlingException" or "RequestThrottled" or "ServiceUnavailable");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or AmazonClientException)
        {
            throw new QueueException($"{queueUrl}: {action} failed ({e.Message})", e, transient: true);
        }
    }

    public void Dispose() => sqs.Dispose();
}

/// <summary>An SQS call that failed; a transient one (the network, throttling, 5xx) is retried by the caller.</summary>
internal sealed class QueueException(string message, Exception inner, bool transient) : Exception(message, inner)
{
    public bool Transient { get; } = transient;
}
