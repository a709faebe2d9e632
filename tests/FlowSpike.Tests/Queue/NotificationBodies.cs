using System.Text.Json;

namespace FlowSpike.Tests.Queue;

/// <summary>
/// Message bodies shaped as AWS documents them (S3 event message structure 2.1, SNS notification JSON, EventBridge's
/// "Object Created" event), written here, with keys URL-encoded as S3 sends them. moto's own bodies differ (no
/// sequencer or versionId, '/' as %2F), so the parser is tested on these, sent with SendMessage.
/// </summary>
public static class NotificationBodies
{
    /// <summary>A key URL-encoded as S3 notifications give it: a space as '+', other reserved bytes as %XX, '/'
    /// kept.</summary>
    public static string Encode(string key) =>
        string.Concat(key.Split('/').Select(Uri.EscapeDataString).Select((p, i) => (i > 0 ? "/" : "") + p))
            .Replace("%20", "+", StringComparison.Ordinal);

    public static string S3Record(string bucket, string key, long size, string etag, string eventName =
        "ObjectCreated:Put", string? versionId = null)
    {
        var obj = new Dictionary<string, object>
        {
            ["key"] = Encode(key),
            ["size"] = size,
            ["eTag"] = etag,
            ["sequencer"] = "0055AED6DCD90281E5",
        };
        if (versionId is not null)
            obj["versionId"] = versionId;
        var record = new Dictionary<string, object>
        {
            ["eventVersion"] = "2.1",
            ["eventSource"] = "aws:s3",
            ["awsRegion"] = "us-east-1",
            ["eventTime"] = "2026-10-08T00:10:00.000Z",
            ["eventName"] = eventName,
            ["userIdentity"] = new Dictionary<string, object> { ["principalId"] = "AWS:AIDAEXAMPLE" },
            ["requestParameters"] = new Dictionary<string, object> { ["sourceIPAddress"] = "203.0.113.15" },
            ["responseElements"] = new Dictionary<string, object>
            {
                ["x-amz-request-id"] = "C3D13FE58DE4C810",
                ["x-amz-id-2"] = "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD",
            },
            ["s3"] = new Dictionary<string, object>
            {
                ["s3SchemaVersion"] = "1.0",
                ["configurationId"] = "flow-logs-to-queue",
                ["bucket"] = new Dictionary<string, object>
                {
                    ["name"] = bucket,
                    ["ownerIdentity"] = new Dictionary<string, object> { ["principalId"] = "A3NL1KOZZKExample" },
                    ["arn"] = "arn:aws:s3:::" + bucket,
                },
                ["object"] = obj,
            },
        };
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["Records"] = new[] { record } });
    }

    /// <summary>An SNS notification whose Message is <paramref name="message"/> (raw delivery sends the message
    /// alone).</summary>
    public static string Sns(string message) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["Type"] = "Notification",
        ["MessageId"] = "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        ["TopicArn"] = "arn:aws:sns:us-east-1:123456789012:flow-logs",
        ["Subject"] = "Amazon S3 Notification",
        ["Message"] = message,
        ["Timestamp"] = "2026-10-08T00:10:01.000Z",
        ["SignatureVersion"] = "1",
        ["Signature"] = "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bk",
        ["SigningCertURL"] = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-example.pem",
        ["UnsubscribeURL"] = "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
    });

    public static string EventBridge(string bucket, string key, long size, string etag,
        string detailType = "Object Created", string? versionId = null)
    {
        var obj = new Dictionary<string, object>
        {
            ["key"] = Encode(key),
            ["size"] = size,
            ["etag"] = etag,
            ["sequencer"] = "00617F08299329D189",
        };
        if (versionId is not null)
            obj["version-id"] = versionId;
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["version"] = "0",
            ["id"] = "17793124-05d4-b198-2fde-7ededc63b103",
            ["detail-type"] = detailType,
            ["source"] = "aws.s3",
            ["account"] = "123456789012",
            ["time"] = "2026-10-08T00:10:00Z",
            ["region"] = "us-east-1",
            ["resources"] = new[] { "arn:aws:s3:::" + bucket },
            ["detail"] = new Dictionary<string, object>
            {
                ["version"] = "0",
                ["bucket"] = new Dictionary<string, object> { ["name"] = bucket },
                ["object"] = obj,
                ["request-id"] = "N4N7GDK58NMKJ12R",
                ["requester"] = "123456789012",
                ["source-ip-address"] = "198.51.100.7",
                ["reason"] = "PutObject",
            },
        });
    }

    public static string TestEvent(string bucket) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["Service"] = "Amazon S3",
        ["Event"] = "s3:TestEvent",
        ["Time"] = "2026-10-08T00:00:00.000Z",
        ["Bucket"] = bucket,
        ["RequestId"] = "5582815E1AEA5ADF",
        ["HostId"] = "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE",
    });
}
