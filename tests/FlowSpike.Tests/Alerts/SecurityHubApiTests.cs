using System.Collections.Concurrent;
using System.Text.Json;
using FlowSpike.Alerts;
using FlowSpike.State;
using FlowSpike.Tests.Faults;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Alerts;

/// <summary>
/// The securityhub sink against a loopback Security Hub that speaks the service's rest-json protocol and checks every
/// request against the official API model (botocore's securityhub 2018-10-26, from Debian's awscli) and its SigV4
/// signature.
/// </summary>
public sealed class SecurityHubApiTests : IDisposable
{
    private const string AccessKey = "AKIDFLOWSPIKETEST", SecretKey = "flowspike/test/secret/key";
    private static readonly ApiModel Model = new(AwsModels.SecurityHub);

    private readonly ConcurrentQueue<string> _problems = new();
    private readonly ConcurrentDictionary<string, int> _imported = new();
    private readonly TestHttpServer _server;

    /// <summary>Finding ids the service fails (once each) with InvalidInput, as Security Hub reports per
    /// finding.</summary>
    private readonly ConcurrentDictionary<string, bool> _failOnce = new();

    public SecurityHubApiTests() => _server = new TestHttpServer(Answer);

    public void Dispose() => _server.Dispose();

    private (int, string) Answer(TestHttpServer.Received r)
    {
        string? op = Model.RestOperation(r.Method, r.Path);
        if (op != "BatchImportFindings")
        {
            _problems.Enqueue($"{r.Method} {r.Path} is not BatchImportFindings");
            return (404, "");
        }
        var problems = Model.CheckInput(op, r.Body);
        if (AwsRequestCheck.Verify(r, $"127.0.0.1:{_server.Port}", AccessKey, SecretKey, "eu-west-1",
            "securityhub") is { } bad)
            problems.Add(bad);
        if (problems.Count > 0)
        {
            foreach (string p in problems)
                _problems.Enqueue(p);
            return (400, """{"__type":"InvalidInputException","Message":"model check failed"}""");
        }
        using var doc = JsonDocument.Parse(r.Body);
        var failed = new List<object>();
        int ok = 0;
        foreach (var f in doc.RootElement.GetProperty("Findings").EnumerateArray())
        {
            string id = f.GetProperty("Id").GetString()!;
            if (_failOnce.TryRemove(id, out _))
            {
                failed.Add(new { Id = id, ErrorCode = "InvalidInput", ErrorMessage = "Finding is invalid" });
                continue;
            }
            _imported.AddOrUpdate(id, 1, (_, n) => n + 1);
            ok++;
        }
        return (200,
            JsonSerializer.Serialize(new { FailedCount = failed.Count, SuccessCount = ok, FailedFindings = failed }));
    }

    private Dictionary<string, string> Env() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_REGION"] = "eu-west-1",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    [Fact]
    public void Detect_imports_every_alert_once_and_retries_a_failed_finding_on_its_own()
    {
        using var dir = new TempDir();
        var data = new DeliveryFaultData(dir);
        string failing = AsffFinding.Id(DeliveryFaultData.ExpectedIds[2]);
        _failOnce[failing] = true;
        string config = dir.Write("config.json", $$"""
            { "sinks": [ { "type": "securityhub", "endpoint": "{{_server.Url}}", "backoff": "2s" } ],
              "asff": { "account": "123456789012", "region": "eu-west-1" } }
            """);

        var first = Support.Cli.RunWith(data.Detect("--config", config), env: Env());
        Assert.Equal(3, first.ExitCode);
        Assert.Contains("InvalidInput: Finding is invalid", first.Stderr, StringComparison.Ordinal);
        Assert.Empty(_problems);
        Assert.Equal(3, _imported.Count);

        Thread.Sleep(2500);
        var second = Support.Cli.RunWith(data.Detect("--config", config), env: Env());
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Empty(_problems);
        Assert.Equal(DeliveryFaultData.ExpectedIds.Select(AsffFinding.Id).Order(), _imported.Keys.Order());
        Assert.All(_imported.Values, n => Assert.Equal(1, n));
        // The IAM policy for the sink allows exactly the operation called.
        var called = _server.Accepted.Select(r => "securityhub:" + Model.RestOperation(r.Method, r.Path)).ToHashSet();
        Assert.Equal(IamPolicies.Actions("security-hub-sink.json"), called.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Requests_stay_within_the_limits_and_pass_the_model()
    {
        var sink =
            new SecurityHubApiSink("eu-west-1", new AsffOptions { AwsAccountId = "123456789012", Region = "eu-west-1" },
            new HttpDelivery(new HttpClient(), attempts: 1), _server.Url, () => new(AccessKey, SecretKey));
        // 250 ordinary alerts and a few with 100,000 destinations each (about 30 KB a finding).
        var alerts = Enumerable.Range(0, 250).Select(i => AlertFormatTests.Sample($"10.0.{i / 250}.{i % 250 + 1}"))
            .Concat(Enumerable.Range(0, 5).Select(i => AlertFormatTests.Sample($"10.1.0.{i + 1}", 100_000)))
            .Select(a => new OutboxAlert(a.Id, a.WindowStart, AlertJson.Serialize(a))).ToList();
        var (delivered, rejected) = sink.Deliver(alerts);
        Assert.Empty(_problems);
        Assert.Empty(rejected);
        Assert.Equal(255, delivered.Count);
        Assert.Equal(255, _imported.Count);
        Assert.True(_server.Accepted.Count >= 3);
        Assert.All(_server.Accepted, r => Assert.True(r.Body.Length <= SecurityHubApiSink.MaxRequestBytes));
    }

    [Fact]
    public void A_wrong_secret_is_caught_by_the_signature_check()
    {
        var sink = new SecurityHubApiSink("eu-west-1", new AsffOptions { Region = "eu-west-1" },
            new HttpDelivery(new HttpClient(), attempts: 1), _server.Url, () => new(AccessKey, "not-the-secret"));
        var alert = AlertFormatTests.Sample();
        var (delivered, rejected) =
            sink.Deliver([new OutboxAlert(alert.Id, alert.WindowStart, AlertJson.Serialize(alert))]);
        Assert.Empty(delivered);
        Assert.Single(rejected);
        Assert.Contains("the signature does not match", _problems);
    }
}
