using System.Text;
using System.Text.Json;
using FlowSpike.Alerts;
using FlowSpike.Runs;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Alerts;

public class AlertFormatTests
{
    internal static Alert Sample(string src = "10.0.0.5", int destinations = 3) => new()
    {
        WindowStart = 1_791_478_800,
        WindowEnd = 1_791_482_400,
        SrcIp = src,
        BlockedConnections = 129,
        BlockedDestIps =
            [.. Enumerable.Range(1, destinations).Select(i => $"198.51.{i / 250}.{i % 250 + 1}")
                .Order(StringComparer.Ordinal)],
        ResourceIds = ["eni-0a1b2c3d4e5f60001"],
        LatestCount = 129,
        NumDataPoints = 160,
        AvgBlockedConnections = 11.5,
        StdevBlockedConnections = 5.6,
        Threshold = 28.3,
        Model = "splunk",
        DeviationThreshold = 3,
        DataPointThreshold = 5,
    };

    internal static FlowSpike.State.OutboxAlert Pending(Alert a) => new(a.Id, a.WindowStart, AlertJson.Serialize(a));

    [Fact]
    public void Ocsf_output_is_a_valid_detection_finding()
    {
        using var doc = JsonDocument.Parse(OcsfFinding.Render(Sample()));
        var e = doc.RootElement;
        var validator = new OcsfValidator();
        Assert.Equal(OcsfFinding.Version, validator.Version);
        var errors = validator.Validate(e);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.Equal(2004, e.GetProperty("class_uid").GetInt32());
        Assert.Equal(2004 * 100 + e.GetProperty("activity_id").GetInt32(), e.GetProperty("type_uid").GetInt64());
        Assert.Equal("TA0011",
            e.GetProperty("finding_info").GetProperty("attacks")[0].GetProperty("tactic").GetProperty("uid")
            .GetString());
        var anomaly = e.GetProperty("anomaly_analyses")[0];
        Assert.Equal("129",
            anomaly.GetProperty("anomalies")[0].GetProperty("observations")[0].GetProperty("value").GetString());
        var baseline =
            anomaly.GetProperty("baselines")[0].GetProperty("observations").EnumerateArray()
            .Select(o => o.GetProperty("value").GetString()).ToList();
        Assert.Equal(["11.5", "5.6", "28.3"], baseline);
        Assert.Equal(["10.0.0.5", "198.51.0.2", "198.51.0.3", "198.51.0.4", "eni-0a1b2c3d4e5f60001"],
            e.GetProperty("observables").EnumerateArray().Select(o => o.GetProperty("value").GetString()));
    }

    [Fact]
    public void Ocsf_output_of_a_calibrated_model_is_a_valid_detection_finding()
    {
        var alert = Sample() with
        {
            Model = "recommended",
            Evidence = new FlowSpike.Models.SpikeEvidence(4.25, 0.8, 1e-9,
                FlowSpike.Models.SpikeEvidence.CountRule),
        };
        using var doc = JsonDocument.Parse(OcsfFinding.Render(alert));
        var errors = new OcsfValidator().Validate(doc.RootElement);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.Equal(4, doc.RootElement.GetProperty("anomaly_analyses")[0].GetProperty("baselines")[0]
            .GetProperty("observations").GetArrayLength());
    }

    [Fact]
    public void The_validator_catches_what_is_wrong()
    {
        // The checker must be able to fail: drop a required field, add a stray one, break a type.
        var node = System.Text.Json.Nodes.JsonNode.Parse(OcsfFinding.Render(Sample()))!.AsObject();
        node.Remove("finding_info");
        node["not_ocsf"] = 1;
        node["time"] = "yesterday";
        node["severity_id"] = 7;
        node["activity_name"] = "Delete";
        node["resources"]![0]!["ip"] = "10.0.0.300";
        node["observables"]![0]!.AsObject().Remove("type_id");
        using var doc = JsonDocument.Parse(node.ToJsonString());
        var errors = new OcsfValidator().Validate(doc.RootElement);
        Assert.Contains(errors, x => x.StartsWith("finding_info: required", StringComparison.Ordinal));
        Assert.Contains(errors, x => x.StartsWith("not_ocsf: not an attribute", StringComparison.Ordinal));
        Assert.Contains(errors, x => x.StartsWith("time: String is not of type timestamp", StringComparison.Ordinal));
        Assert.Contains("severity_id: 7 is not one of its values", errors);
        Assert.Contains(errors,
            x => x.StartsWith("activity_name: 'Delete' is not the caption", StringComparison.Ordinal));
        Assert.Contains("resources[0].ip: String is not of type ip", errors);
        Assert.Contains("observables[0].type_id: required attribute missing", errors);
        Assert.Equal(7, errors.Count);
    }

    [Fact]
    public void Finding_uid_is_stable_per_window_and_source()
    {
        Assert.Equal(OcsfFinding.Uid(Sample()), OcsfFinding.Uid(Sample() with { BlockedConnections = 1 }));
        Assert.NotEqual(OcsfFinding.Uid(Sample()), OcsfFinding.Uid(Sample("10.0.0.6")));
        Assert.NotEqual(OcsfFinding.Uid(Sample()), OcsfFinding.Uid(Sample() with { WindowStart = 0 }));
    }

    [Theory]
    [InlineData(null, new[] { "210987654321" }, "210987654321")] // the flow log's own account
    [InlineData("123456789012", new[] { "210987654321" }, "123456789012")] // the configured account wins
    [InlineData(null, new string[0], AsffOptions.UnknownAccount)] // a log without account-id
    [InlineData(null, new[] { "111111111111", "222222222222" }, AsffOptions.UnknownAccount)] // two accounts
    [InlineData(null, new[] { "-" }, AsffOptions.UnknownAccount)] // account-id '-' is no account
    public void An_asff_finding_is_filed_in_the_configured_account_else_its_flow_logs(
        string? configured, string[] accounts, string expected)
    {
        var options = new AsffOptions { AwsAccountId = configured, Region = "eu-west-1" };
        using var doc = JsonDocument.Parse(AsffFinding.Render(Sample() with { Accounts = accounts }, options));
        Assert.Equal(expected, doc.RootElement.GetProperty("AwsAccountId").GetString());
        Assert.Equal($"arn:aws:securityhub:eu-west-1:{expected}:product/{expected}/default",
            doc.RootElement.GetProperty("ProductArn").GetString());
    }

    [Theory]
    [InlineData("""{ "asff": { "account": "12345" } }""",
        "\"asff.account\" must be a 12-digit AWS account id, not '12345'")]
    [InlineData("""{ "asff": { "acount": "123456789012" } }""", "unknown key \"asff.acount\"")]
    public void A_config_with_a_bad_asff_account_is_refused_naming_the_key(string json, string message)
    {
        using var dir = new TempDir();
        string path = dir.Write("config.json", json);
        var e = Assert.Throws<RunException>(() => FlowSpikeConfig.Load(path));
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Asff_has_every_field_the_api_model_requires()
    {
        string model = AwsModels.SecurityHub;
        using var api = JsonDocument.Parse(File.ReadAllText(model));
        var shapes = api.RootElement.GetProperty("shapes");
        var required =
            shapes.GetProperty("AwsSecurityFinding").GetProperty("required").EnumerateArray()
            .Select(x => x.GetString()!).ToList();
        var members =
            shapes.GetProperty("AwsSecurityFinding").GetProperty("members").EnumerateObject().Select(m => m.Name)
            .ToHashSet();
        using var doc =
            JsonDocument.Parse(
                AsffFinding.Render(Sample(), new AsffOptions { AwsAccountId = "123456789012", Region = "eu-west-1" }));
        var f = doc.RootElement;
        Assert.All(required, r => Assert.True(f.TryGetProperty(r, out _), $"missing {r}"));
        Assert.All(f.EnumerateObject(), p => Assert.Contains(p.Name, members));
        var resourceRequired =
            shapes.GetProperty("Resource").GetProperty("required").EnumerateArray().Select(x => x.GetString()!)
            .ToList();
        Assert.All(f.GetProperty("Resources").EnumerateArray(), r =>
            Assert.All(resourceRequired, k => Assert.True(r.TryGetProperty(k, out _))));
        Assert.Equal("arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default",
            f.GetProperty("ProductArn").GetString());
        Assert.True(f.GetProperty("Description").GetString()!.Length <= 1024);
    }

    [Fact]
    public void Security_hub_batches_respect_the_limits()
    {
        using var dir = new TempDir();
        var sink = new SecurityHubBatchSink(dir.File("hub"), new AsffOptions());
        // 250 ordinary alerts and a few with 100,000 destinations each.
        var alerts = Enumerable.Range(0, 250).Select(i => Sample($"10.0.{i / 250}.{i % 250 + 1}"))
            .Concat(Enumerable.Range(0, 5).Select(i => Sample($"10.1.0.{i + 1}", 100_000)))
            .Select(Pending).ToList();
        sink.Deliver(alerts);
        var files = Directory.GetFiles(dir.File("hub"));
        int total = 0;
        foreach (string file in files)
        {
            Assert.True(new FileInfo(file).Length <= SecurityHubBatchSink.MaxBatchBytes, $"{file} is over 6 MB");
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var findings = doc.RootElement.GetProperty("Findings");
            Assert.InRange(findings.GetArrayLength(), 1, 100);
            foreach (var f in findings.EnumerateArray())
                Assert.True(Encoding.UTF8.GetByteCount(f.GetRawText()) <= AsffFinding.MaxFindingBytes,
                    "a finding is over 240 KB");
            total += findings.GetArrayLength();
        }
        Assert.Equal(255, total);
        Assert.True(files.Length >= 3);
        // Delivering the same alerts again rewrites the same files.
        sink.Deliver(alerts);
        Assert.Equal(files.Order(), Directory.GetFiles(dir.File("hub")).Order());
    }

    [Fact]
    public void Csv_has_a_header_and_one_row_per_alert()
    {
        using var dir = new TempDir();
        string path = dir.File("a.csv");
        var a = Sample();
        using (var sink = new FileAlertSink(path, AlertFormat.Csv))
            sink.Deliver([Pending(a)]);
        using (var sink = new FileAlertSink(path, AlertFormat.Csv))
            sink.Deliver([Pending(a)]);
        var lines = File.ReadAllLines(path);
        Assert.Equal(AlertCsv.Header, lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith(
            "1791478800-10.0.0.5,2026-10-08T17:00:00Z,2026-10-08T18:00:00Z,10.0.0.5,129,3,198.51.0.2 198.51.0.3 "
            + "198.51.0.4,", lines[1], StringComparison.Ordinal);
    }
}
