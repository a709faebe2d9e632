using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace FlowSpike.Tests.Support;

/// <summary>
/// moto, an AWS emulator (S3 with bucket notifications, SQS with the JSON protocol and redrive), on 127.0.0.1 on a
/// free port, for the life of a test class. It comes with the machine image (python3 -m moto.server); test.sh
/// installs it with pip where it is missing.
/// </summary>
public sealed class MotoServer : IDisposable
{
    public const string Region = "us-east-1";
    public const string AccessKey = "test";
    public const string SecretKey = "test";
    private readonly Process _process;

    public MotoServer()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var psi = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "-m", "moto.server", "-H", "127.0.0.1", "-p", port.ToString(
            System.Globalization.CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Endpoint = $"http://127.0.0.1:{port}";
        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited)
                break;
            try
            {
                if (http.GetAsync(Endpoint + "/moto-api/").GetAwaiter().GetResult().IsSuccessStatusCode)
                {
                    S3 = new AmazonS3Client(Credentials, new AmazonS3Config
                    {
                        ServiceURL = Endpoint,
                        ForcePathStyle = true,
                        AuthenticationRegion = Region,
                    });
                    Sqs = new AmazonSQSClient(Credentials, new AmazonSQSConfig
                    {
                        ServiceURL = Endpoint,
                        AuthenticationRegion = Region,
                    });
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            Thread.Sleep(200);
        }
        Dispose();
        throw new InvalidOperationException("moto did not start (python3 -m moto.server; test.sh installs it)");
    }

    public string Endpoint { get; }
    public AmazonS3Client S3 { get; } = null!;
    public AmazonSQSClient Sqs { get; } = null!;
    public static BasicAWSCredentials Credentials => new(AccessKey, SecretKey);

    /// <summary>What the CLI needs in its environment to reach moto.</summary>
    public Dictionary<string, string> Environment => new()
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_REGION"] = Region,
        ["AWS_ENDPOINT_URL"] = Endpoint,
    };

    /// <summary>A queue; with <paramref name="maxReceives"/>, a dead-letter queue NAME-dlq behind it.</summary>
    public string CreateQueue(string name, int? maxReceives = null)
    {
        var attributes = new Dictionary<string, string>();
        if (maxReceives is { } n)
        {
            string dlq = Sqs.CreateQueueAsync(name + "-dlq").GetAwaiter().GetResult().QueueUrl;
            string arn = QueueArn(dlq);
            attributes["RedrivePolicy"] = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["deadLetterTargetArn"] = arn,
                ["maxReceiveCount"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        }
        return Sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = attributes })
            .GetAwaiter().GetResult().QueueUrl;
    }

    public string QueueArn(string url) =>
        Sqs.GetQueueAttributesAsync(url, ["QueueArn"]).GetAwaiter().GetResult().Attributes["QueueArn"];

    /// <summary>A bucket whose ObjectCreated and ObjectRemoved events S3 itself sends to the queue.</summary>
    public void CreateBucket(string bucket, string? notifyQueue = null)
    {
        S3.PutBucketAsync(bucket).GetAwaiter().GetResult();
        if (notifyQueue is not null)
            Notify(bucket, notifyQueue);
    }

    /// <summary>S3 sends the bucket's ObjectCreated and ObjectRemoved events to the queue from now on.</summary>
    public void Notify(string bucket, string notifyQueue) =>
        S3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = bucket,
            QueueConfigurations =
            [
                new QueueConfiguration
                {
                    Queue = QueueArn(notifyQueue),
                    Events = [EventType.ObjectCreatedAll, EventType.ObjectRemovedAll],
                },
            ],
        }).GetAwaiter().GetResult();

    /// <summary>Uploads a file; returns its ETag without quotes.</summary>
    public string Put(string bucket, string key, string file) =>
        S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            FilePath = file,
            UseChunkEncoding = false,
        }).GetAwaiter().GetResult().ETag.Trim('"');

    public void Delete(string bucket, string key) => S3.DeleteObjectAsync(bucket, key).GetAwaiter().GetResult();

    /// <summary>Receives what is visible, as another consumer would (holding it 30 s); returns the bodies.</summary>
    public List<string> Receive(string queue) =>
        [.. (Sqs.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = queue,
            MaxNumberOfMessages = 10,
            VisibilityTimeout = 30,
        }).GetAwaiter().GetResult().Messages ?? []).Select(m => m.Body)];

    public void Send(string queue, string body) =>
        Sqs.SendMessageAsync(queue, body).GetAwaiter().GetResult();

    /// <summary>Visible, in flight and delayed messages, summed.</summary>
    public long Depth(string queue)
    {
        var a = Sqs.GetQueueAttributesAsync(queue, ["All"]).GetAwaiter().GetResult().Attributes;
        return long.Parse(a["ApproximateNumberOfMessages"], System.Globalization.CultureInfo.InvariantCulture)
            + long.Parse(a["ApproximateNumberOfMessagesNotVisible"], System.Globalization.CultureInfo.InvariantCulture)
            + long.Parse(a["ApproximateNumberOfMessagesDelayed"], System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
