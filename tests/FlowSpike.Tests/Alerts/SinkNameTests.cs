using System.Security.Cryptography;
using System.Text;
using FlowSpike.State;
using FlowSpike.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FlowSpike.Tests.Alerts;

/// <summary>Sinks are known by a name with no secret in it, in logs, errors and the state, old states
/// included.</summary>
public class SinkNameTests
{
    private static string Sha8(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)))[..8];

    [Fact]
    public void A_url_keeps_its_scheme_and_host_and_hides_the_rest()
    {
        const string Url = "https://hooks.slack.com/services/T0/B0/xoxb-secret";
        Assert.Equal("webhook:https://hooks.slack.com/…#" + Sha8(Url), SinkName.Of("webhook", Url));
        const string WithUser = "https://alice:p4ss@splunk.example:8088/";
        string name = SinkName.Of("splunk-hec", WithUser);
        Assert.Equal("splunk-hec:https://splunk.example:8088/…#" + Sha8(WithUser), name);
        Assert.DoesNotContain("p4ss", name, StringComparison.Ordinal);
        // Nothing secret in a bare origin, and file paths are not URLs.
        Assert.Equal("splunk-hec:https://splunk.example:8088",
            SinkName.Of("splunk-hec", "https://splunk.example:8088/"));
        Assert.Equal("file:/var/log/a.jsonl", SinkName.Of("file", "/var/log/a.jsonl"));
        // A rotated token changes the name, not the family that inherits held alerts.
        Assert.Equal(SinkName.Family(SinkName.Of("webhook", Url)),
            SinkName.Family(SinkName.Of("webhook", "https://hooks.slack.com/services/T0/B0/other")));
    }

    [Fact]
    public void An_older_state_has_its_stored_sink_names_redacted_on_upgrade()
    {
        using var dir = new TempDir();
        string state = dir.File("s.db");
        using (SqliteStateStore.Open(state))
        {
        }
        const string Raw = "webhook:https://hooks.example/T0/B0/token-7";
        // Make it a version 2 state as earlier releases wrote it: no retry columns, raw names.
        using (var c = new SqliteConnection($"Data Source={state};Pooling=False"))
        {
            c.Open();
            foreach (string sql in new[]
            {
                "ALTER TABLE deliveries DROP COLUMN attempts", "ALTER TABLE deliveries DROP COLUMN retry_at",
                "ALTER TABLE deliveries DROP COLUMN last_error",
                    "UPDATE meta SET value = '2' WHERE key = 'schema_version'",
                "INSERT INTO alerts(id, window_start, body, delivered) VALUES ('a1', 0, '{}', 0)",
                $"INSERT INTO deliveries(alert_id, sink, delivered) VALUES ('a1', '{Raw}', 0)",
            })
            {
                using var cmd = c.CreateCommand();
                cmd.CommandText = sql;
                cmd.ExecuteNonQuery();
            }
        }
        using (var store = SqliteStateStore.Open(state))
        {
            string redacted = "webhook:https://hooks.example/…#" + Sha8("https://hooks.example/T0/B0/token-7");
            Assert.Equal([redacted], store.SinksWithHeld());
            Assert.Equal("a1", Assert.Single(store.OutboxAlerts(redacted)).Id);
        }
        Assert.DoesNotContain("token-7", Encoding.UTF8.GetString(File.ReadAllBytes(state)), StringComparison.Ordinal);
    }

    [Fact]
    public void Slack_text_escapes_what_slack_would_read_as_a_mention_or_a_link()
    {
        var alert = AlertFormatTests.Sample() with { ResourceIds = ["<!channel>", "eni-1 & <https://evil.example|x>"] };
        string text = WebhookSink.SlackText(alert);
        Assert.DoesNotContain("<!channel>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<https://", text, StringComparison.Ordinal);
        Assert.Contains("&lt;!channel&gt;", text, StringComparison.Ordinal);
        Assert.Contains("eni-1 &amp; &lt;https://evil.example|x&gt;", text, StringComparison.Ordinal);
    }
}
