using System.Collections.Concurrent;
using System.Text.Json;
using FlowSpike.Tests.Faults;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Records;

/// <summary>
/// --input cwl://GROUP against a loopback CloudWatch Logs that speaks the service's JSON protocol, checks every
/// request against the official API model (logs 2014-03-28) and its SigV4 signature, and pages its answers: the
/// alerts equal those of the same records read from a file.
/// </summary>
public sealed class CloudWatchLogsTests
{
    private const string AccessKey = "AKIDFLOWSPIKELOGS", SecretKey = "flowspike/logs/secret";
    private static readonly ApiModel Model = new(AwsModels.CloudWatchLogs);

    [Fact]
    public void A_missing_api_model_fails_naming_the_path_and_what_to_install()
    {
        // Without Debian's awscli the model tests fail (never skip): the message says what to install.
        var e = Assert.Throws<FileNotFoundException>(() => AwsModels.Find("no-such-service", "2000-01-01"));
        Assert.Contains("no-such-service/2000-01-01/service-2.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install awscli", e.Message, StringComparison.Ordinal);
        Assert.EndsWith(Path.Combine("logs", "2014-03-28", "service-2.json"), AwsModels.CloudWatchLogs,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_over_a_log_group_equals_detect_over_the_same_records_in_a_file()
    {
        using var fileDir = new TempDir();
        using var groupDir = new TempDir();
        var fromFile = new DeliveryFaultData(fileDir);
        var fromGroup = new DeliveryFaultData(groupDir);
        // The file's records as CloudWatch events: one stream per interface, stamped with the record's start.
        var events = File.ReadAllLines(fromFile.Input).Skip(1).Select((line, i) => new
        {
            logStreamName = "eni-0a1b2c3d4e5f60001-all",
            timestamp = long.Parse(line.Split(' ')[10], System.Globalization.CultureInfo.InvariantCulture) * 1000,
            message = line,
            ingestionTime = 0L,
            eventId = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).ToList();
        var problems = new ConcurrentQueue<string>();
        var ranges = new ConcurrentQueue<(long Start, long End)>();
        TestHttpServer? server = null;
        server = new TestHttpServer(r =>
        {
            if (r.Headers.GetValueOrDefault("x-amz-target") != "Logs_20140328.FilterLogEvents")
                problems.Enqueue("target " + r.Headers.GetValueOrDefault("x-amz-target"));
            foreach (string p in Model.CheckInput("FilterLogEvents", r.Body))
                problems.Enqueue(p);
            if (AwsRequestCheck.Verify(r, $"127.0.0.1:{server!.Port}", AccessKey, SecretKey, "eu-west-1",
                "logs") is { } bad)
                problems.Enqueue(bad);
            using var doc = JsonDocument.Parse(r.Body);
            var q = doc.RootElement;
            long start = q.GetProperty("startTime").GetInt64(), end = q.GetProperty("endTime").GetInt64();
            ranges.Enqueue((start, end));
            string prefix = q.TryGetProperty("logStreamNamePrefix", out var p0) ? p0.GetString()! : "";
            int offset = q.TryGetProperty("nextToken", out var t)
                ? int.Parse(t.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : 0;
            var matching =
                events.Where(e => e.timestamp >= start && e.timestamp <= end
                    && e.logStreamName.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            // Pages of 40, whatever the limit asked, so the client must follow nextToken.
            var page = matching.Skip(offset).Take(40).ToList();
            var answer =
                new Dictionary<string, object> { ["events"] = page, ["searchedLogStreams"] = Array.Empty<object>() };
            if (offset + 40 < matching.Count)
                answer["nextToken"] = (offset + 40).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return (200, JsonSerializer.Serialize(answer));
        });
        using (server)
        {
            string fileAlerts = fileDir.File("alerts.jsonl"), groupAlerts = groupDir.File("alerts.jsonl");
            var a = Support.Cli.Run(fromFile.Detect("--out", fileAlerts));
            Assert.True(a.ExitCode == 0, a.Stderr);
            var args = fromGroup.Detect("--out", groupAlerts);
            args[Array.IndexOf(args, "--input") + 1] = "cwl:///test/vpc-flow-logs?stream-prefix=eni-";
            var b = Support.Cli.RunWith(args, env: new Dictionary<string, string>
            {
                ["AWS_ENDPOINT_URL_LOGS"] = server.Url,
                ["AWS_REGION"] = "eu-west-1",
                ["AWS_ACCESS_KEY_ID"] = AccessKey,
                ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
                ["AWS_EC2_METADATA_DISABLED"] = "true",
            });
            Assert.True(b.ExitCode == 0, b.Stderr);
            Assert.Empty(problems);
            Assert.True(server.Accepted.Count > 1, "the answers were paged");
            Assert.Equal(4, File.ReadAllLines(fileAlerts).Length);
            Assert.Equal(File.ReadAllText(fileAlerts), File.ReadAllText(groupAlerts));
            // Bounded to the detect range with the delivery slack either side.
            long from =
                DateTimeOffset.Parse(DeliveryFaultData.From, System.Globalization.CultureInfo.InvariantCulture)
                .ToUnixTimeSeconds();
            long to =
                DateTimeOffset.Parse(DeliveryFaultData.To, System.Globalization.CultureInfo.InvariantCulture)
                .ToUnixTimeSeconds();
            Assert.All(ranges, r => Assert.Equal(((from - 3600) * 1000, (to + 3600) * 1000 - 1), r));
            Assert.Equal("/test/vpc-flow-logs",
                JsonDocument.Parse(server.Accepted.First().Body).RootElement.GetProperty("logGroupName").GetString());
            // The IAM policy for this mode allows exactly the operations called: logs:FilterLogEvents.
            var called = server.Accepted.Select(r => "logs:" + r.Headers["x-amz-target"].Split('.')[1]).ToHashSet();
            Assert.Equal(IamPolicies.Actions("cloudwatch-logs-input.json"), called.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void A_missing_log_group_is_one_line_naming_it()
    {
        using var dir = new TempDir();
        var data = new DeliveryFaultData(dir);
        using var server = new TestHttpServer(_ => (400,
            """{"__type":"com.amazonaws.logs#ResourceNotFoundException","message":"The specified """
            + """log group does not exist."}"""));
        var args = data.Detect();
        args[Array.IndexOf(args, "--input") + 1] = "cwl://no-such-group";
        var r = Support.Cli.RunWith(args, env: new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL_LOGS"] = server.Url,
            ["AWS_REGION"] = "eu-west-1",
            ["AWS_ACCESS_KEY_ID"] = AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        });
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("flowspike: error: cwl://no-such-group: FilterLogEvents answered HTTP 400: " +
            "ResourceNotFoundException The specified log group does not exist.", r.Stderr.Trim());
    }

    [Fact]
    public void The_endpoint_url_flag_reaches_cloudwatch_logs_before_the_environment()
    {
        using var dir = new TempDir();
        var data = new DeliveryFaultData(dir);
        const string missing = """{"__type":"com.amazonaws.logs#ResourceNotFoundException","message":"none"}""";
        using var server = new TestHttpServer(_ => (400, missing));
        var env = new Dictionary<string, string>
        {
            ["AWS_REGION"] = "eu-west-1",
            ["AWS_ACCESS_KEY_ID"] = AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        };
        string[] Args(string group, params string[] more)
        {
            var args = data.Detect(more);
            args[Array.IndexOf(args, "--input") + 1] = group;
            return args;
        }
        // The flag wins over both variables, which name a port where nothing listens.
        var flagged = Support.Cli.RunWith(Args("cwl://by-flag", "--endpoint-url", server.Url), null,
            new Dictionary<string, string>(env)
            {
                ["AWS_ENDPOINT_URL_LOGS"] = "http://127.0.0.1:1",
                ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1",
            }, door: true);
        Assert.Equal("flowspike: error: cwl://by-flag: FilterLogEvents answered HTTP 400: " +
            "ResourceNotFoundException none", flagged.Stderr.Trim());
        Assert.Single(server.Refused); // answered 400, as asked
        // AWS_ENDPOINT_URL is the general setting when no service-specific one is given.
        var general = Support.Cli.RunWith(Args("cwl://by-variable"), null,
            new Dictionary<string, string>(env) { ["AWS_ENDPOINT_URL"] = server.Url }, door: true);
        Assert.Contains("cwl://by-variable: FilterLogEvents answered HTTP 400", general.Stderr,
            StringComparison.Ordinal);
        Assert.Equal(2, server.Refused.Count);
    }
}
