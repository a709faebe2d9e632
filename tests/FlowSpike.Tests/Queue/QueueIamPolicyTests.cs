using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using FlowSpike.Queue;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Tests.Support;
using FlowSpike.Watch;
using static FlowSpike.Tests.Queue.QueueFixture;

namespace FlowSpike.Tests.Queue;

/// <summary>
/// deploy/iam/sqs-queue-input.json allows exactly what queue mode calls, recorded from a real run against moto: each
/// SQS request by its X-Amz-Target and queue, each S3 request by its object, mapped to the IAM action that
/// authorizes it (a batch call by its single action).
/// </summary>
public sealed class QueueIamPolicyTests(QueueFixture f) : IClassFixture<QueueFixture>
{
    private sealed record Call(string Action, string Resource);

    [Fact]
    public void The_queue_policy_allows_exactly_what_queue_mode_calls()
    {
        using var c = new QueueCase(f, "iam-logs");
        string queue = f.Moto.CreateQueue("iam-queue", maxReceives: 3);
        f.Moto.CreateBucket(c.Bucket, queue);
        var objects = f.Upload(c.Bucket, f.Hours(0, 2));
        var calls = new ConcurrentQueue<Call>();
        var recording = new Recording(calls);
        var request = new QueueRequest
        {
            Url = queue,
            VisibilitySeconds = 1,
            EndpointUrl = f.Moto.Endpoint,
            Region = MotoServer.Region,
            Credentials = MotoServer.Credentials,
            HttpClientFactory = recording,
        };
        var input = new InputOptions
        {
            Inputs = [],
            S3 = new S3Settings
            {
                EndpointUrl = f.Moto.Endpoint,
                Region = MotoServer.Region,
                Credentials = MotoServer.Credentials,
                HttpClientFactory = recording,
            },
        };
        string clock = c.Dir.Write("clock", (H(2) + 1200).ToString(System.Globalization.CultureInfo.InvariantCulture));
        using (var store = SqliteStateStore.Open(c.State))
        using (var sink = new FileAlertSink(c.Alerts))
        using (var metrics = new WatchMetrics())
        using (var queueMetrics = new QueueMetrics())
        {
            QueueWatchRun.Execute(store, input, new WatchRequest { Once = true, ClockFile = clock }, request,
                AlertDispatcher.Single(sink, NullRunLog.Instance), NullRunLog.Instance, metrics, queueMetrics,
                TestContext.Current.CancellationToken);
            Assert.Equal(objects.Count, metrics.Files);
        }
        // A message held past half its visibility timeout is extended.
        using (var client = request.CreateClient())
        using (var heartbeat = new VisibilityHeartbeat(client, 1, _ => { }))
        {
            f.Moto.Send(queue, NotificationBodies.TestEvent(c.Bucket));
            var held = Assert.Single(client.Receive(0, 1, TestContext.Current.CancellationToken));
            heartbeat.Hold(held.ReceiptHandle);
            Thread.Sleep(1500);
            Assert.Empty(f.Moto.Receive(queue));
            Assert.Equal(0, heartbeat.Failed);
        }
        string text = File.ReadAllText(Path.Combine(Samples.RepositoryRoot, "deploy", "iam", "sqs-queue-input.json"))
            .Replace("my-flow-logs", c.Bucket, StringComparison.Ordinal)
            .Replace("flow-log-notifications", "iam-queue", StringComparison.Ordinal);
        using var policy = JsonDocument.Parse(text);
        var statements = policy.RootElement.GetProperty("Statement").EnumerateArray().ToList();
        Assert.All(calls, call => Assert.True(statements.Any(s => Strings(s.GetProperty("Action")).Contains(
                call.Action) && Strings(s.GetProperty("Resource")).Any(r => Wildcard(r, call.Resource))),
            $"the policy does not allow {call}"));
        Assert.Equal(statements.SelectMany(s => Strings(s.GetProperty("Action"))).ToHashSet().Order(),
            calls.Select(call => call.Action).ToHashSet().Order());
        // The dead-letter queue's depth is read too.
        Assert.Contains(new Call("sqs:GetQueueAttributes", "arn:aws:sqs:us-east-1:123456789012:iam-queue-dlq"), calls);
    }

    private static IEnumerable<string> Strings(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(x => x.GetString()!) : [e.GetString()!];

    private static bool Wildcard(string pattern, string value) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace(@"\*", ".*") + "$");

    private sealed class Recording(ConcurrentQueue<Call> calls) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(new Recorder(calls) { InnerHandler = new HttpClientHandler() });

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;
    }

    private sealed class Recorder(ConcurrentQueue<Call> calls) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
            CancellationToken cancellationToken)
        {
            if (request.Headers.TryGetValues("X-Amz-Target", out var targets))
            {
                string action = targets.Single().Split('.')[1];
                action = action.EndsWith("Batch", StringComparison.Ordinal) ? action[..^5] : action;
                string body = await request.Content!.ReadAsStringAsync(cancellationToken);
                using var doc = JsonDocument.Parse(body);
                var url = new Uri(doc.RootElement.GetProperty("QueueUrl").GetString()!);
                var parts = url.AbsolutePath.Trim('/').Split('/');
                calls.Enqueue(new Call("sqs:" + action, $"arn:aws:sqs:us-east-1:{parts[0]}:{parts[1]}"));
            }
            else
            {
                Assert.True(request.Method == HttpMethod.Get || request.Method == HttpMethod.Head,
                    $"unexpected S3 request {request.Method} {request.RequestUri}");
                string path = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath).TrimStart('/');
                calls.Enqueue(new Call("s3:GetObject", "arn:aws:s3:::" + path));
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
