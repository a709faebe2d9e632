using System.Text;
using System.Text.Json;
using FlowSpike.Models;
using FlowSpike.State;
using FlowSpike.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FlowSpike.Tests.Faults;

/// <summary>
/// The delivery side of the fault matrix, each case run through the CLI as a user runs it, with the alert set and the
/// state checked afterwards: a full disk under the file sink, a webhook that rejects one alert, the
/// Security Hub sink with every model, and secrets in sink URLs.
/// </summary>
public sealed class DeliveryFaultTests : IDisposable
{
    private readonly string _mount =
        Path.Combine(Path.GetTempPath(), "flowspike-sinkdisk-" + Guid.NewGuid().ToString("N"));
    private bool _mounted;

    public void Dispose()
    {
        if (_mounted)
            Support.Shell.Run("umount", _mount);
        if (Directory.Exists(_mount))
            Directory.Delete(_mount, recursive: true);
    }

    private static string Config(TempDir dir, params object[] sinks) =>
        dir.Write("config.json", JsonSerializer.Serialize(new Dictionary<string, object> { ["sinks"] = sinks }));

    [Fact]
    public void a_full_disk_marks_nothing_delivered_and_a_rerun_writes_every_alert_once()
    {
        if (Environment.UserName != "root")
            Assert.Skip("mounting a tmpfs needs root");
        using var dir = new TempDir();
        var data = new DeliveryFaultData(dir);
        Directory.CreateDirectory(_mount);
        Support.Shell.Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", _mount);
        _mounted = true;
        // Fill the disk, then free one page: OCSF lines are about 2 KB each, so four of them do not fit.
        string filler = Path.Combine(_mount, "filler");
        using (var f = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            try
            {
                while (true)
                {
                    f.Write(new byte[1024]);
                }
            }
            catch (IOException)
            {
            }
            f.SetLength(Math.Max(0, f.Length - 4096));
        }
        string alerts = Path.Combine(_mount, "alerts.ocsf.jsonl");

        var first = Support.Cli.Run(data.Detect("--out", alerts, "--format", "ocsf"));
        Assert.Equal(3, first.ExitCode);
        DeliveryFaultData.NoStackTrace(first);
        Assert.Contains("held in the state", first.Stderr, StringComparison.Ordinal);
        // Nothing reached the file, and the summary does not claim it did.
        Assert.DoesNotContain("written to", first.Stderr, StringComparison.Ordinal);
        // Only whole lines stay in the file, and exactly the alerts they hold are marked delivered.
        var written = File.Exists(alerts) ? File.ReadAllText(alerts) : "";
        Assert.True(written.Length == 0 || written.EndsWith('\n'), "a partial line stayed behind");
        var writtenIds = written.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(OcsfUid).ToList();
        using (var store = SqliteStateStore.Open(data.State))
        {
            var held = store.OutboxAlerts(new FileAlertSink(alerts).Name).Select(p => p.Id).ToList();
            Assert.NotEmpty(held);
            Assert.Equal(DeliveryFaultData.ExpectedIds.Order(), held.Concat(writtenIds).Order());
        }

        File.Delete(filler);
        var second = Support.Cli.Run(data.Detect("--out", alerts, "--format", "ocsf"));
        Assert.True(second.ExitCode == 0, second.Stderr);
        var lines = File.ReadAllLines(alerts);
        Assert.Equal(DeliveryFaultData.ExpectedIds.Order(), lines.Select(OcsfUid).Order());
        using (var store = SqliteStateStore.Open(data.State))
            Assert.Empty(store.OutboxAlerts(new FileAlertSink(alerts).Name));
    }

    /// <summary>The alert id a whole OCSF finding line carries.</summary>
    private static string OcsfUid(string line)
    {
        JsonDocument.Parse(line);
        return DeliveryFaultData.ExpectedIds.Single(id =>
            line.Contains($"\"flowspike.alert_id\":\"{id}\"", StringComparison.Ordinal));
    }

    [Fact]
    public void a_torn_last_line_is_removed_before_the_next_write()
    {
        using var dir = new TempDir();
        var data = new DeliveryFaultData(dir);
        string alerts = dir.File("alerts.jsonl");
        // A line an earlier program left half written.
        File.WriteAllText(alerts, "{\"alert_id\":\"1-10.0.0.1\"}\n{\"alert_id\":\"2-10.0.");
        var r = Support.Cli.Run(data.Detect("--out", alerts));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("torn last line", r.Stderr, StringComparison.Ordinal);
        var lines = File.ReadAllLines(alerts);
        Assert.All(lines, l => JsonDocument.Parse(l));
        Assert.Equal(["1-10.0.0.1", .. DeliveryFaultData.ExpectedIds], lines.Select(DeliveryFaultData.IdOf));
    }

    [Fact]
    public void a_webhook_that_rejects_one_alert_gets_every_other_alert_once_and_the_rejected_one_later()
    {
        using var dir = new TempDir();
        var data = new DeliveryFaultData(dir);
        string poison = DeliveryFaultData.ExpectedIds[1];
        bool healed = false;
        using var server = new TestHttpServer(r => !healed && DeliveryFaultData.IdOf(r.Body) == poison ? 400 : 200);
        string config = Config(dir, new Dictionary<string, string>
        {
            ["type"] = "webhook",
            ["url"] = server.Url + "hook",
            ["backoff"] = "3s",
        });

        var first = Support.Cli.Run(data.Detect("--config", config, "-q"));
        Assert.Equal(3, first.ExitCode);
        Assert.Contains($"alert {poison} was rejected (HTTP 400", first.Stderr, StringComparison.Ordinal);
        Assert.Equal(DeliveryFaultData.ExpectedIds.Where(i => i != poison),
            server.Accepted.Select(a => DeliveryFaultData.IdOf(a.Body)));
        Assert.Single(server.Refused);

        // At once, the rejected alert is still backing off: nothing is sent, nothing again.
        var second = Support.Cli.Run(data.Detect("--config", config, "-q"));
        Assert.Equal(3, second.ExitCode);
        Assert.Single(server.Refused);
        Assert.Equal(3, server.Accepted.Count);
        using (var store = SqliteStateStore.Open(data.State))
        {
            string sink = new WebhookSink(new Uri(server.Url + "hook"), new HttpDelivery(new HttpClient())).Name;
            var held = Assert.Single(store.OutboxAlerts(sink));
            Assert.Equal(poison, held.Id);
            Assert.Equal(1, held.Attempts);
            Assert.Empty(store.OutboxAlerts(sink, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        }

        // After the backoff, the receiver takes it: each alert has arrived exactly once.
        healed = true;
        Thread.Sleep(3500);
        var third = Support.Cli.Run(data.Detect("--config", config, "-q"));
        Assert.True(third.ExitCode == 0, third.Stderr);
        Assert.Equal(DeliveryFaultData.ExpectedIds.Order(),
            server.Accepted.Select(a => DeliveryFaultData.IdOf(a.Body)).Order());
    }

    public static TheoryData<string> Models => [.. SpikeModels.Names];

    [Theory]
    [MemberData(nameof(Models))]
    public void the_security_hub_sink_writes_every_alert_with_every_model_inside_its_folder(string model)
    {
        using var dir = new TempDir();
        var data = new DeliveryFaultData(dir, model);
        Directory.CreateDirectory(dir.File("out"));
        string hub = dir.File("out/hub");
        string jsonl = dir.File("out/alerts.jsonl");
        string config = Config(dir,
            new Dictionary<string, string> { ["type"] = "securityhub", ["dir"] = hub },
            new Dictionary<string, string> { ["type"] = "file", ["path"] = jsonl });
        var before = Directory.GetFileSystemEntries(dir.Path, "*", SearchOption.AllDirectories).ToHashSet();

        var r = Support.Cli.Run(data.Detect("--config", config, "--model", model));
        Assert.True(r.ExitCode == 0, r.Stderr);
        var ids = File.ReadAllLines(jsonl).Select(DeliveryFaultData.IdOf).ToList();
        Assert.NotEmpty(ids);
        var findings = Directory.GetFiles(hub).SelectMany(f =>
            JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("Findings").EnumerateArray()
                .Select(e => e.GetProperty("Id").GetString()!)).ToList();
        Assert.Equal(ids.Count, findings.Count);
        Assert.All(ids, id => Assert.Contains(findings, f => f.EndsWith(id, StringComparison.Ordinal)));
        // Nothing new outside the two outputs and the state.
        var created = Directory.GetFileSystemEntries(dir.Path, "*", SearchOption.AllDirectories)
            .Where(p => !before.Contains(p) && !p.StartsWith(hub, StringComparison.Ordinal) && p != jsonl
                && !p.StartsWith(data.State, StringComparison.Ordinal) && p != dir.File("out"));
        Assert.Empty(created);
    }

    [Fact]
    public void tokens_and_passwords_reach_neither_the_terminal_nor_the_state()
    {
        using var dir = new TempDir();
        var data = new DeliveryFaultData(dir);
        const string Token = "T0SECRET/B0SECRET/xoxb-4242";
        const string HecToken = "hec-secret-5150";
        using var server = new TestHttpServer(r => r.Path.Contains("down", StringComparison.Ordinal) ? 503 : 200);
        string config = Config(dir,
            new Dictionary<string, string> { ["type"] = "webhook", ["url"] = server.Url + "services/" + Token },
            new Dictionary<string, string> { ["type"] = "webhook", ["url"] = server.Url + "down/" + Token },
            new Dictionary<string, string>
            {
                ["type"] = "splunk_hec",
                ["url"] = "http://127.0.0.1:9/",
                ["token"] = HecToken
            });

        var r = Support.Cli.Run(data.Detect("--config", config));
        Assert.Equal(3, r.ExitCode);
        Assert.Equal(4, server.Accepted.Count);
        foreach (string secret in new[] { Token, "xoxb-4242", "B0SECRET", HecToken })
        {
            Assert.DoesNotContain(secret, r.Stdout + r.Stderr, StringComparison.Ordinal);
            foreach (string file in Directory.GetFiles(dir.Path, "state.db*"))
                Assert.DoesNotContain(secret, Encoding.UTF8.GetString(File.ReadAllBytes(file)),
                    StringComparison.Ordinal);
        }
        // The sinks are still told apart: each has its own redacted name in the state.
        using var connection = new SqliteConnection($"Data Source={data.State};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT DISTINCT sink FROM deliveries ORDER BY sink";
        using var reader = cmd.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
            names.Add(reader.GetString(0));
        Assert.Equal(3, names.Count);
        Assert.All(names.Where(n => n.StartsWith("webhook:", StringComparison.Ordinal)),
            n => Assert.Matches(@"^webhook:http://127\.0\.0\.1:\d+/…#[0-9a-f]{8}$", n));
    }

    [Fact]
    public void a_rotated_webhook_token_does_not_orphan_held_alerts()
    {
        using var dir = new TempDir();
        var data = new DeliveryFaultData(dir);
        bool up = false;
        using var server =
            new TestHttpServer(r => up && r.Path.EndsWith("new-token", StringComparison.Ordinal) ? 200 : 503);
        var r1 = Support.Cli.Run(data.Detect("--config", Config(dir, new Dictionary<string, string>
        {
            ["type"] = "webhook",
            ["url"] = server.Url + "hook/old-token",
        }), "-q"));
        Assert.Equal(3, r1.ExitCode);
        Assert.Empty(server.Accepted);

        up = true;
        var r2 = Support.Cli.Run(data.Detect("--config", Config(dir, new Dictionary<string, string>
        {
            ["type"] = "webhook",
            ["url"] = server.Url + "hook/new-token",
        })));
        Assert.True(r2.ExitCode == 0, r2.Stderr);
        Assert.Contains("takes over 4 held alert(s)", r2.Stderr, StringComparison.Ordinal);
        Assert.Equal(DeliveryFaultData.ExpectedIds, server.Accepted.Select(a => DeliveryFaultData.IdOf(a.Body)));
    }

    [Fact]
    public void The_summary_names_only_what_was_written()
    {
        using var dir = new TempDir();
        var data = new DeliveryFaultData(dir);
        string alerts = dir.File("alerts.jsonl");
        var first = Support.Cli.Run(data.Detect("--out", alerts));
        Assert.Contains("4 alert(s) written to file:" + alerts, first.Stderr, StringComparison.Ordinal);
        // A rerun has nothing to do and writes nothing: it must not claim it did.
        var again = Support.Cli.Run(data.Detect("--out", alerts));
        Assert.Equal(0, again.ExitCode);
        Assert.DoesNotContain("written to", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(4, File.ReadAllLines(alerts).Length);
    }
}
