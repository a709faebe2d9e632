using FlowSpike.Queue;

namespace FlowSpike.Tests.Queue;

/// <summary>Each body shape is read as AWS sends it, keys decoded; what creates nothing is told apart from what is
/// of no known shape.</summary>
public class NotificationParserTests
{
    private const string Bucket = "org-flow-logs";
    private const string HiveKey =
        "AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=10/day=08/"
        + "hour=00/123456789012_vpcflowlogs_us-east-1_fl-0a1b2c3d_20261008T0005Z_1a2b3c4d.log.gz";

    [Fact]
    public void S3_records_give_the_decoded_key_size_etag_and_version()
    {
        string body = NotificationBodies.S3Record(Bucket, HiveKey, 1234, "0123456789abcdef0123456789abcdef",
            versionId: "3HL4kqtJvjVBH40Nrjfkd");
        Assert.Contains("aws-account-id%3D123456789012", body, StringComparison.Ordinal);
        var n = NotificationParser.Parse(body);
        Assert.Equal(BodyShape.S3Records, n.Shape);
        var o = Assert.Single(n.Created);
        Assert.Equal((Bucket, HiveKey, 1234L, "3HL4kqtJvjVBH40Nrjfkd"), (o.Bucket, o.Key, o.Size, o.VersionId));
        Assert.Equal("\"0123456789abcdef0123456789abcdef\"", o.Version);
        Assert.Equal($"s3://{Bucket}/{HiveKey}", o.Path);
        Assert.Empty(n.Ignored);
    }

    [Fact]
    public void An_sns_envelope_is_unwrapped_and_raw_delivery_is_the_event_itself()
    {
        string inner = NotificationBodies.S3Record(Bucket, "a b/c+d.log", 10, "e1");
        var wrapped = NotificationParser.Parse(NotificationBodies.Sns(inner));
        Assert.Equal(BodyShape.Sns, wrapped.Shape);
        Assert.Equal("a b/c+d.log", Assert.Single(wrapped.Created).Key);
        var raw = NotificationParser.Parse(inner);
        Assert.Equal(BodyShape.S3Records, raw.Shape);
        Assert.Equal(wrapped.Created, raw.Created);
        var test = NotificationParser.Parse(NotificationBodies.Sns(NotificationBodies.TestEvent(Bucket)));
        Assert.True(test.IsTest);
        Assert.Empty(test.Created);
    }

    [Fact]
    public void EventBridge_object_created_as_security_lake_sends_it()
    {
        const string lakeKey = "aws/VPC_FLOW/2.0/region=us-east-1/accountId=123456789012/eventDay=20261008/"
            + "1f9c2e7a-5b0d-4c1e-9a3b-6d8e2f4a7c10.gz.parquet";
        var n = NotificationParser.Parse(NotificationBodies.EventBridge("aws-security-data-lake-us-east-1-x", lakeKey,
            5000, "b1946ac92492d2347c6235b4d2611184", versionId: "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e"));
        Assert.Equal(BodyShape.EventBridge, n.Shape);
        var o = Assert.Single(n.Created);
        Assert.Equal((lakeKey, 5000L, "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e"), (o.Key, o.Size, o.VersionId));
        Assert.Equal("b1946ac92492d2347c6235b4d2611184", o.ETag);
    }

    [Theory]
    [InlineData("ObjectRemoved:Delete")]
    [InlineData("ObjectRemoved:DeleteMarkerCreated")]
    [InlineData("ObjectRestore:Completed")]
    public void S3_events_that_create_nothing_are_named_by_kind(string eventName)
    {
        var n = NotificationParser.Parse(NotificationBodies.S3Record(Bucket, "k", 0, "e", eventName));
        Assert.Equal(BodyShape.S3Records, n.Shape);
        Assert.Empty(n.Created);
        Assert.Equal([eventName], n.Ignored);
    }

    [Theory]
    [InlineData("Object Deleted")]
    [InlineData("Object Restore Completed")]
    public void EventBridge_events_that_create_nothing_are_named_by_kind(string detailType)
    {
        var n = NotificationParser.Parse(NotificationBodies.EventBridge(Bucket, "k", 0, "e", detailType));
        Assert.Equal((BodyShape.EventBridge, 0), (n.Shape, n.Created.Count));
        Assert.Equal([detailType], n.Ignored);
    }

    [Fact]
    public void The_test_event_is_known_and_creates_nothing()
    {
        var n = NotificationParser.Parse(NotificationBodies.TestEvent(Bucket));
        Assert.Equal(BodyShape.TestEvent, n.Shape);
        Assert.True(n.IsTest);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[1,2]")]
    [InlineData("{\"hello\":\"world\"}")]
    [InlineData("{\"Records\":[]}")]
    [InlineData("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"}}}]}")]
    [InlineData("{\"Type\":\"Notification\",\"Message\":\"plain text\"}")]
    [InlineData("{\"detail-type\":\"Object Created\",\"detail\":{\"bucket\":{}}}")]
    public void Bodies_of_no_known_shape_say_why(string body)
    {
        var n = NotificationParser.Parse(body);
        Assert.Equal(BodyShape.Unknown, n.Shape);
        Assert.False(string.IsNullOrEmpty(n.Problem));
        Assert.Empty(n.Created);
    }

    [Theory]
    [InlineData("a+b", "a b")]
    [InlineData("year%3D2026%2Fmonth%3D10", "year=2026/month=10")]
    [InlineData("caf%C3%A9.log", "café.log")]
    [InlineData("plain/key.log.gz", "plain/key.log.gz")]
    [InlineData("100%25", "100%")]
    [InlineData("bad%zzescape", "bad%zzescape")]
    public void Keys_are_decoded_once(string encoded, string key) => Assert.Equal(key, ObjectKey.Decode(encoded));

    [Fact]
    public void Every_key_survives_the_encoding_S3_applies()
    {
        foreach (string key in new[] { HiveKey, "a b+c/d=e&f/g%h/é 1.log", "x/y/z" })
            Assert.Equal(key, ObjectKey.Decode(NotificationBodies.Encode(key)));
    }
}
