using System.Text.Json;
using System.Text.RegularExpressions;
using FlowSpike.Alerts;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Synth;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Deploy;

/// <summary>
/// The IAM policies in deploy/iam list exactly the actions the code calls. For S3 and Security Lake the calls are
/// recorded from real runs against s3rver, each request mapped to the IAM action that authorizes it, and every request
/// must be allowed by the policy (action, resource and s3:prefix condition). For the Security Hub sink, the request
/// files must be BatchImportFindings requests of the API model whose product is the policy's resource.
/// </summary>
public sealed class IamPolicyTests : IClassFixture<IamPolicyTests.Server>
{
    /// <summary>One s3rver: synthetic flow logs under AWSLogs/, a Security Lake file under aws/VPC_FLOW/.</summary>
    public sealed class Server : IDisposable
    {
        public const string LakePrefix = "aws/VPC_FLOW/2.0/region=us-east-1/accountId=123456789012/eventDay=20220412/";

        public Server()
        {
            S3 = new S3Server();
            S3.Upload(SynthData.Get(SynthLayout.DefaultWithHeader).Logs, "AWSLogs/");
            Lake = new TempDir();
            // One inbound REJECT on 2022-04-12 (the eventDay of the prefix), in Security Lake's OCSF 1.1.0 layout.
            SecurityLakeParquet.Write(Lake.File("vpc-flow.parquet"), LakeOcsf.V1_1_0,
                [new("203.0.113.4", 56858, "10.50.1.7", 22, 1_649_725_200_000, true, "123456789012",
                    DstInterface: "eni-0a5b6c7d8e9f01234")]);
            S3.Upload(Lake.Path, LakePrefix);
        }

        public S3Server S3 { get; }
        public TempDir Lake { get; }

        public void Dispose()
        {
            S3.Dispose();
            Lake.Dispose();
        }
    }

    private readonly Server _server;

    public IamPolicyTests(Server server) => _server = server;

    private sealed record Call(string Action, string Resource, string? Prefix);

    /// <summary>An s3rver request ("GET /bucket?query" or "GET /bucket/key", path style) as the IAM action.</summary>
    private static Call ToCall(string request)
    {
        var m = Regex.Match(request, @"^(?<verb>[A-Z]+) /(?<bucket>[^/?]+)(?:/(?<key>[^?]*))?(?:\?(?<query>.*))?$");
        Assert.True(m.Success, $"unexpected request {request}");
        string verb = m.Groups["verb"].Value, bucket = m.Groups["bucket"].Value, key = m.Groups["key"].Value;
        var query = m.Groups["query"].Value.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
        // ListObjectsV2 (GET Bucket with list-type=2) is authorized by s3:ListBucket on the bucket, with s3:prefix.
        if (verb == "GET" && key.Length == 0 && query.GetValueOrDefault("list-type") == "2")
            return new Call("s3:ListBucket", $"arn:aws:s3:::{bucket}", query.GetValueOrDefault("prefix", ""));
        // GetObject (and ranged GETs, and HeadObject) are authorized by s3:GetObject on the object.
        if (verb is "GET" or "HEAD" && key.Length > 0 && query.Keys.All(k => k is "x-id" or "partNumber"))
            return new Call("s3:GetObject", $"arn:aws:s3:::{bucket}/{key}", null);
        throw new Xunit.Sdk.XunitException($"no IAM mapping for {request}: add the operation to the policy and here");
    }

    private static JsonElement Policy(string file, string? bucket = null, string? replaceWith = null)
    {
        string text = File.ReadAllText(Path.Combine(Samples.RepositoryRoot, "deploy", "iam", file));
        if (bucket is not null)
            text = text.Replace(bucket, replaceWith, StringComparison.Ordinal);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static IEnumerable<string> Strings(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(x => x.GetString()!) : [e.GetString()!];

    private static bool Wildcard(string pattern, string value) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$");

    private static bool Allows(JsonElement policy, Call call) =>
        policy.GetProperty("Statement").EnumerateArray().Any(s =>
        s.GetProperty("Effect").GetString() == "Allow"
        && Strings(s.GetProperty("Action")).Any(a => a == call.Action)
        && Strings(s.GetProperty("Resource")).Any(r => Wildcard(r, call.Resource))
        && (!s.TryGetProperty("Condition", out var c) || ConditionHolds(c, call)));

    private static bool ConditionHolds(JsonElement condition, Call call)
    {
        foreach (var op in condition.EnumerateObject())
        {
            Assert.Equal("StringLike", op.Name);
            foreach (var key in op.Value.EnumerateObject())
            {
                Assert.Equal("s3:prefix", key.Name);
                if (call.Prefix is null || !Strings(key.Value).Any(p => Wildcard(p, call.Prefix)))
                    return false;
            }
        }
        return true;
    }

    private static HashSet<string> Actions(JsonElement policy) =>
        [.. policy.GetProperty("Statement").EnumerateArray().SelectMany(s => Strings(s.GetProperty("Action")))];

    /// <summary>Runs <paramref name="run"/> and returns the S3 requests it made, as IAM calls.</summary>
    private List<Call> Record(Action run)
    {
        _server.S3.Requests.Clear();
        run();
        var calls = _server.S3.Requests.Select(ToCall).ToList();
        Assert.NotEmpty(calls);
        return calls;
    }

    private static void AssertExactlyCovers(JsonElement policy, List<Call> calls)
    {
        Assert.All(calls, c => Assert.True(Allows(policy, c), $"the policy does not allow {c}"));
        Assert.Equal(calls.Select(c => c.Action).ToHashSet().Order(), Actions(policy).Order());
    }

    [Fact]
    public void The_s3_policy_allows_exactly_what_baseline_and_detect_call()
    {
        using var dir = new TempDir();
        var input = new InputOptions
        {
            Inputs = [$"s3://{S3Server.Bucket}/AWSLogs/"],
            S3 = _server.S3.Settings with { ListPageSize = 100 },
        };
        var calls = Record(() =>
        {
            using var store = SqliteStateStore.Open(dir.File("s.db"));
            BaselineRun.Execute(store, input, SynthData.From, SynthData.BaselineEnd, 3600, NullRunLog.Instance);
            using var sink = new FileAlertSink(dir.File("a.jsonl"));
            var request = new DetectRequest { From = SynthData.BaselineEnd, To = SynthData.End };
            DetectRun.Execute(store, input, request, sink, NullRunLog.Instance, TestContext.Current.CancellationToken);
        });
        Assert.Contains(calls, c => c.Action == "s3:ListBucket");
        Assert.Contains(calls, c => c.Action == "s3:GetObject");
        AssertExactlyCovers(Policy("s3-input.json", "my-flow-logs", S3Server.Bucket), calls);
    }

    [Fact]
    public void The_s3_policy_refuses_what_it_should()
    {
        // The check must be able to fail: another prefix, another bucket, a write.
        var policy = Policy("s3-input.json", "my-flow-logs", S3Server.Bucket);
        Assert.False(Allows(policy, new Call("s3:ListBucket", $"arn:aws:s3:::{S3Server.Bucket}", "secrets/")));
        Assert.False(Allows(policy, new Call("s3:GetObject", "arn:aws:s3:::other-bucket/AWSLogs/x.gz", null)));
        Assert.False(Allows(policy, new Call("s3:GetObject", $"arn:aws:s3:::{S3Server.Bucket}/secrets/x", null)));
        Assert.False(Allows(policy, new Call("s3:PutObject", $"arn:aws:s3:::{S3Server.Bucket}/AWSLogs/x.gz", null)));
        Assert.Throws<Xunit.Sdk.XunitException>(() => ToCall($"PUT /{S3Server.Bucket}/AWSLogs/x.gz"));
    }

    [Fact]
    public void The_prefix_is_allowed_with_and_without_its_trailing_slash()
    {
        var s3 = Policy("s3-input.json", "my-flow-logs", S3Server.Bucket);
        Assert.True(Allows(s3, new Call("s3:ListBucket", $"arn:aws:s3:::{S3Server.Bucket}", "AWSLogs")));
        Assert.True(Allows(s3, new Call("s3:ListBucket", $"arn:aws:s3:::{S3Server.Bucket}", "AWSLogs/")));
        Assert.False(Allows(s3, new Call("s3:ListBucket", $"arn:aws:s3:::{S3Server.Bucket}", "AWSLogsOther")));
    }

    [Fact]
    public void The_security_lake_policy_allows_exactly_what_reading_the_lake_calls()
    {
        using var dir = new TempDir();
        var input = new InputOptions { Inputs = [$"s3://{S3Server.Bucket}/aws/VPC_FLOW/"], S3 = _server.S3.Settings };
        long from = new DateTimeOffset(2022, 4, 12, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var calls = Record(() =>
        {
            using var store = SqliteStateStore.Open(dir.File("s.db"));
            // The fixture's one record is not blocked outbound: what is measured is the calls, not the baseline.
            BaselineRun.Execute(store, input, from, from + 86400, 3600, NullRunLog.Instance, allowEmpty: true);
        });
        Assert.Contains(calls,
            c => c.Action == "s3:GetObject" && c.Resource.EndsWith("vpc-flow.parquet", StringComparison.Ordinal));
        var policy = Policy("security-lake-subscriber.json", "aws-security-data-lake-us-east-1-example",
            S3Server.Bucket);
        AssertExactlyCovers(policy, calls);
    }

    [Fact]
    public void The_security_hub_policy_is_batch_import_findings_on_the_product_the_findings_name()
    {
        using var dir = new TempDir();
        var policy = Policy("security-hub-sink.json");
        var statement = Assert.Single(policy.GetProperty("Statement").EnumerateArray());
        string resource = Assert.Single(Strings(statement.GetProperty("Resource")));
        var arn = Regex.Match(resource,
            @"^arn:aws:securityhub:(?<region>[a-z0-9-]+):(?<account>\d{12}):product/\k<account>/default$");
        Assert.True(arn.Success, resource);
        var options = new AsffOptions
        {
            AwsAccountId = arn.Groups["account"].Value,
            Region = arn.Groups["region"].Value,
        };
        var sink = new SecurityHubBatchSink(dir.File("hub"), options);
        sink.Deliver([Alerts.AlertFormatTests.Pending(Alerts.AlertFormatTests.Sample())]);

        // The files are BatchImportFindings requests of the Security Hub API model: that operation, and no other.
        string modelPath = AwsModels.SecurityHub;
        using var model = JsonDocument.Parse(File.ReadAllText(modelPath));
        var operation = model.RootElement.GetProperty("operations").GetProperty("BatchImportFindings");
        string input = operation.GetProperty("input").GetProperty("shape").GetString()!;
        var shape = model.RootElement.GetProperty("shapes").GetProperty(input);
        using var request = JsonDocument.Parse(File.ReadAllText(Assert.Single(Directory.GetFiles(dir.File("hub")))));
        var members = shape.GetProperty("members").EnumerateObject().Select(m => m.Name).ToHashSet();
        Assert.All(request.RootElement.EnumerateObject(), p => Assert.Contains(p.Name, members));
        Assert.All(shape.GetProperty("required").EnumerateArray(),
            r => Assert.True(request.RootElement.TryGetProperty(r.GetString()!, out _)));
        Assert.Equal(["securityhub:BatchImportFindings"], Actions(policy));
        // Security Hub authorizes BatchImportFindings on the product the findings are imported for.
        Assert.All(request.RootElement.GetProperty("Findings").EnumerateArray(),
            f => Assert.Equal(resource, f.GetProperty("ProductArn").GetString()));
    }

    [Fact]
    public void The_cloudwatch_logs_policy_is_filter_log_events_on_one_log_group()
    {
        // Today FlowSpike reads CloudWatch Logs as the JSON that FilterLogEvents returns (exported with
        // `aws logs filter-log-events`), so the policy is the documented target for reading it directly: exactly
        // logs:FilterLogEvents, on one log group.
        var policy = Policy("cloudwatch-logs-input.json");
        Assert.Equal(["logs:FilterLogEvents"], Actions(policy));
        var statement = Assert.Single(policy.GetProperty("Statement").EnumerateArray());
        Assert.Matches(@"^arn:aws:logs:[a-z0-9-]+:\d{12}:log-group:[A-Za-z0-9_./#-]+:\*$",
            Assert.Single(Strings(statement.GetProperty("Resource"))));

        using var dir = new TempDir();
        string export = dir.File("filter-log-events.json");
        const string Record = "2 123456789012 eni-0a1b2c3d4e5f60001 10.0.0.5 198.51.100.7 40000 443 6 1 60 "
            + "1791478800 1791478860 REJECT OK";
        File.WriteAllText(export, $$"""
            {"events": [
              {"logStreamName": "eni-0a1b2c3d4e5f60001-all", "timestamp": 1791478805000, "ingestionTime": 1791478900000,
               "eventId": "1", "message": "{{Record}}"}
            ], "searchedLogStreams": []}
            """);
        var r = Scan.Files([export]);
        Assert.Equal(1, r.Diagnostics.Lines);
        Assert.Equal(0, r.Diagnostics.Malformed);
        Assert.Equal(1, r.Diagnostics.Counted); // a REJECT from an internal host to the internet
    }

    [Fact]
    public void Every_policy_is_least_privilege()
    {
        foreach (string file in Directory.GetFiles(Path.Combine(Samples.RepositoryRoot, "deploy", "iam"), "*.json"))
        {
            var policy = Policy(Path.GetFileName(file));
            Assert.Equal("2012-10-17", policy.GetProperty("Version").GetString());
            foreach (var s in policy.GetProperty("Statement").EnumerateArray())
            {
                Assert.Equal("Allow", s.GetProperty("Effect").GetString());
                Assert.All(Strings(s.GetProperty("Action")),
                    a => Assert.DoesNotContain("*", a, StringComparison.Ordinal));
                Assert.All(Strings(s.GetProperty("Resource")),
                    r => Assert.Matches(@"^arn:aws:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:[^*]", r));
            }
        }
    }
}
