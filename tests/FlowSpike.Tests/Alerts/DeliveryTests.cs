using System.Text.Json;
using FlowSpike.Alerts;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Synth;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Alerts;

/// <summary>Delivery to real HTTP endpoints on 127.0.0.1 that fail on purpose: nothing is lost, nothing is sent
/// twice.</summary>
public class DeliveryTests
{
    private static long H(int hours) => SynthData.BaselineEnd + hours * 3600L;

    private static readonly HttpClient Http = new();

    private static HttpDelivery Fast() => new(Http, attempts: 3, firstDelay: TimeSpan.FromMilliseconds(10));

    /// <summary>The alerts a plain detect writes to a file, as ids in order.</summary>
    private static List<string> ReferenceIds(SynthData.DataSet set, TempDir dir)
    {
        string state = dir.File("ref.db"), alerts = dir.File("ref.jsonl");
        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd);
        Pipeline.Detect(state, set.Logs, alerts, new DetectRequest { From = H(0), To = H(72) });
        return [.. File.ReadAllLines(alerts).Select(l => AlertJson.Parse(l).Id)];
    }

    private static DetectRun.Result Detect(string state, SynthData.DataSet set, long from, long to, IAlertSink sink)
    {
        using var store = SqliteStateStore.Open(state);
        return DetectRun.Execute(store, new InputOptions { Inputs = [set.Logs] },
            new DetectRequest { From = from, To = to }, sink, NullRunLog.Instance);
    }

    [Fact]
    public void A_webhook_outage_loses_no_alert()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        using var dir = new TempDir();
        var expected = ReferenceIds(set, dir);
        Assert.NotEmpty(expected);

        bool up = false;
        int calls = 0;
        // Down for the first day; while down it also fails the first attempt of each retry cycle.
        using var server = new TestHttpServer(_ => up && Interlocked.Increment(ref calls) % 4 != 1 ? 200 : 503);
        string state = dir.File("s.db");
        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd);
        using (var sink = new WebhookSink(new Uri(server.Url + "hook"), Fast()))
            Detect(state, set, H(0), H(24), sink);
        Assert.NotEmpty(server.Refused);
        Assert.Empty(server.Accepted);
        string name = new WebhookSink(new Uri(server.Url + "hook"), Fast()).Name;
        using (var store = SqliteStateStore.Open(state))
            Assert.NotEmpty(store.OutboxAlerts(name));

        up = true;
        using (var sink = new WebhookSink(new Uri(server.Url + "hook"), Fast()))
            Detect(state, set, H(24), H(72), sink);
        var delivered =
            server.Accepted.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("alert_id").GetString()!)
            .ToList();
        Assert.Equal(expected, delivered);
        using (var store = SqliteStateStore.Open(state))
            Assert.Empty(store.OutboxAlerts(name));
    }

    [Fact]
    public void Splunk_hec_gets_the_token_and_events()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        using var dir = new TempDir();
        var expected = ReferenceIds(set, dir);
        using var server = new TestHttpServer(r => r.Authorization == "Splunk secret-token" ? 200 : 401);
        string state = dir.File("s.db");
        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd);
        using (var sink = new SplunkHecSink(new Uri(server.Url), "secret-token", Fast(), "aws:flowspike"))
            Detect(state, set, H(0), H(72), sink);
        Assert.Empty(server.Refused);
        Assert.All(server.Accepted, r => Assert.Equal("/services/collector/event", r.Path));
        var events =
            server.Accepted.SelectMany(r => r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(events, e => Assert.Equal("aws:flowspike", e.GetProperty("sourcetype").GetString()));
        Assert.Equal(expected, events.Select(e => e.GetProperty("event").GetProperty("alert_id").GetString()));
    }

    [Fact]
    public void Splunk_hec_envelope_carries_time_host_source_and_index()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        using var dir = new TempDir();
        using var server = new TestHttpServer(_ => 200);
        string state = dir.File("s.db");
        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd);
        using (var sink = new SplunkHecSink(new Uri(server.Url), "t", Fast(), "aws:flowspike", index: "security"))
            Detect(state, set, H(0), H(72), sink);
        var events =
            server.Accepted.SelectMany(r => r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.NotEmpty(events);
        foreach (var e in events)
        {
            // HEC's event time is epoch seconds: the window's end, as the alert's own ISO time states it.
            var windowEnd = DateTimeOffset.Parse(e.GetProperty("event").GetProperty("window_end").GetString()!,
                System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(windowEnd.ToUnixTimeSeconds(), e.GetProperty("time").GetInt64());
            Assert.Equal("flowspike", e.GetProperty("host").GetString());
            Assert.Equal("flowspike", e.GetProperty("source").GetString());
            Assert.Equal("security", e.GetProperty("index").GetString());
            Assert.Equal(JsonValueKind.Object, e.GetProperty("event").ValueKind);
        }
    }

    [Fact]
    public void A_slack_webhook_gets_one_text_field_per_alert()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        using var dir = new TempDir();
        var expected = ReferenceIds(set, dir);
        using var server = new TestHttpServer(_ => 200);
        string state = dir.File("s.db");
        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd);
        using (var sink = new WebhookSink(new Uri(server.Url + "hook"), Fast(), slackText: true))
            Detect(state, set, H(0), H(72), sink);
        var bodies = server.Accepted.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal(expected.Count, bodies.Count);
        var alerts = File.ReadAllLines(dir.File("ref.jsonl")).Select(AlertJson.Parse).ToList();
        for (int i = 0; i < bodies.Count; i++)
        {
            Assert.Equal(["text"], bodies[i].EnumerateObject().Select(p => p.Name));
            Assert.Equal(WebhookSink.SlackText(alerts[i]), bodies[i].GetProperty("text").GetString());
        }
    }

    [Fact]
    public void Slack_text_names_the_host_and_the_numbers()
    {
        string text = WebhookSink.SlackText(AlertFormatTests.Sample());
        Assert.Contains("`10.0.0.5`", text, StringComparison.Ordinal);
        Assert.Contains("129 blocked connections", text, StringComparison.Ordinal);
        Assert.Contains("threshold 28.3", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Suppression_persists_across_runs()
    {
        const long T0 = 1_790_812_800;
        using var dir = new TempDir();
        var lines = new FlowLines();
        for (int h = 0; h < 10; h++)
            lines.Add(T0 + h * 3600, "10.0.0.5", "198.51.100.1", count: 1 + h % 2);
        // Spikes at hours 10, 11, 12 and 16.
        foreach (int h in new[] { 10, 11, 12, 16 })
            lines.Add(T0 + h * 3600, "10.0.0.5", "203.0.113.7", count: 30);
        string input = dir.Write("f.log", lines.ToString());
        string state = dir.File("s.db"), alerts = dir.File("a.jsonl");
        Pipeline.Baseline(state, input, T0, T0 + 10 * 3600);
        var policy = new AlertPolicy { Suppression = new Suppression(14400) };
        // One run per hour: every run is a restart, so the suppression must come from the state.
        // Hours 13-15 and 17 have no record at all: declared quiet.
        for (int h = 10; h < 18; h++)
            Pipeline.Detect(state, input, alerts,
                new DetectRequest
                {
                    From = T0 + h * 3600,
                    To = T0 + (h + 1) * 3600,
                    Policy = policy,
                    AllowEmptyWindows = true
                });
        // 10 alerts and quiets the host until 14:00; 11 and 12 are withheld; 16 alerts again.
        Assert.Equal([$"{T0 + 10 * 3600}-10.0.0.5", $"{T0 + 16 * 3600}-10.0.0.5"],
            File.ReadAllLines(alerts).Select(l => AlertJson.Parse(l).Id));
        // Without suppression all four fire.
        string state2 = dir.File("s2.db"), alerts2 = dir.File("a2.jsonl");
        Pipeline.Baseline(state2, input, T0, T0 + 10 * 3600);
        Pipeline.Detect(state2, input, alerts2,
            new DetectRequest { From = T0 + 10 * 3600, To = T0 + 18 * 3600, AllowEmptyWindows = true });
        Assert.Equal(4, File.ReadAllLines(alerts2).Length);
        // The suppressed spikes are still in the host's history (which has a row for each window the host was active).
        using var store = SqliteStateStore.Open(state);
        Assert.True(FlowSpike.Selection.Ipv4.TryParse("10.0.0.5", out uint src));
        var history = store.History(src, T0 + 10 * 3600);
        Assert.Equal([10L, 11, 12, 16], history.Select(r => (r.WindowStart - T0) / 3600));
        Assert.All(history, r => Assert.True(r.Spike));
        Assert.Equal([false, true, true, false], history.Select(r => r.Suppressed));
    }
}
