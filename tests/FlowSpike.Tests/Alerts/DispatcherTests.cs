using FlowSpike.State;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Alerts;

/// <summary>
/// The dispatcher's per-alert rules, against a real webhook on 127.0.0.1: an alert the receiver keeps failing is
/// retried with doubling backoff while the others go through once; an outage charges no alert.
/// </summary>
public class DispatcherTests
{
    /// <summary>A test double of the outbox that keeps delivery state in memory, as the two real ones do on
    /// disk.</summary>
    private sealed class MemoryOutbox(IEnumerable<string> hosts, string sink) : IOutbox
    {
        private readonly Dictionary<string, string> _bodies = hosts.ToDictionary(h => h,
            h => FlowSpike.Alerts.AlertJson.Serialize(AlertFormatTests.Sample(h)));

        public Dictionary<string, (bool Delivered, int Attempts, long? RetryAt)> Rows { get; } =
            hosts.ToDictionary(id => id, _ => (false, 0, (long?)null));

        public IReadOnlyList<OutboxAlert> OutboxAlerts(string s, long? now = null) => s != sink ? [] :
            [.. Rows.Where(r => !r.Value.Delivered
                && (now is null || r.Value.RetryAt is null || r.Value.RetryAt <= now))
                .Select(r => new OutboxAlert(r.Key, 0, _bodies[r.Key], r.Value.Attempts))];

        public void MarkDelivered(string s, IReadOnlyCollection<string> alertIds)
        {
            foreach (string id in alertIds)
                Rows[id] = (true, Rows[id].Attempts, null);
        }

        public void MarkRejected(string s, string alertId, string reason, long retryAt) =>
            Rows[alertId] = (false, Rows[alertId].Attempts + 1, retryAt);

        public IReadOnlyCollection<string> SinksWithHeld() => [sink];

        public int MoveHeld(string from, string to) => 0;
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly HttpClient Http = new();

    /// <summary>The host of the alert a webhook received (the outbox above is keyed by host).</summary>
    private static string HostOf(string body) =>
        System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("src_ip").GetString()!;

    private const string A = "10.0.0.1", B = "10.0.0.2", C = "10.0.0.3";

    [Fact]
    public void An_alert_the_receiver_keeps_failing_backs_off_doubling_and_the_others_go_once()
    {
        using var server = new TestHttpServer(r => HostOf(r.Body) == B ? 500 : 200);
        var sink =
            new WebhookSink(new Uri(server.Url + "h"), new HttpDelivery(Http, attempts: 1),
                format: FlowSpike.Alerts.AlertFormat.Jsonl)
            {
                RejectBackoff = TimeSpan.FromSeconds(10),
            };
        var outbox = new MemoryOutbox([A, B, C], sink.Name);
        var time = new ManualTime(DateTimeOffset.FromUnixTimeSeconds(1_000_000));
        var dispatcher = new AlertDispatcher([sink], NullRunLog.Instance, time) { DownPause = TimeSpan.Zero };

        Assert.Equal(1, dispatcher.DeliverOutbox(outbox));
        Assert.Equal((false, 1, 1_000_010L), outbox.Rows[B]);
        Assert.True(outbox.Rows[A].Delivered && outbox.Rows[C].Delivered);
        int sent = server.Accepted.Count + server.Refused.Count;
        Assert.Equal(3, sent);

        // Before its retry time nothing is sent; after it, one attempt, and the next wait is twice as long.
        time.Now += TimeSpan.FromSeconds(5);
        dispatcher.DeliverOutbox(outbox);
        Assert.Equal(3, server.Accepted.Count + server.Refused.Count);
        time.Now += TimeSpan.FromSeconds(5);
        dispatcher.DeliverOutbox(outbox);
        Assert.Equal(4, server.Accepted.Count + server.Refused.Count);
        Assert.Equal((false, 2, 1_000_030L), outbox.Rows[B]);
        Assert.Equal(2, server.Accepted.Count);
    }

    [Fact]
    public void An_outage_charges_no_alert_and_the_next_attempt_resumes_at_the_first()
    {
        bool up = false;
        using var server = new TestHttpServer(_ => up ? 200 : 503);
        var sink = new WebhookSink(new Uri(server.Url + "h"), new HttpDelivery(Http, attempts: 1));
        var outbox = new MemoryOutbox([A, B, C], sink.Name);
        var dispatcher = new AlertDispatcher([sink], NullRunLog.Instance) { DownPause = TimeSpan.Zero };

        Assert.Equal(3, dispatcher.DeliverOutbox(outbox));
        Assert.All(outbox.Rows.Values, r => Assert.Equal((false, 0, (long?)null), r));
        // Two requests told the outage apart from a bad alert; the third alert was never tried.
        Assert.Equal(2, server.Refused.Count);

        up = true;
        Assert.Equal(0, dispatcher.DeliverOutbox(outbox, force: true));
        Assert.Equal([A, B, C], server.Accepted.Select(r => HostOf(r.Body)));
    }

    /// <summary>A sink that returns without a receipt entry: per the contract, it delivered everything.</summary>
    private sealed class SilentSink : IAlertSink
    {
        public List<string> Seen { get; } = [];
        public string Name => "silent";
        public void Deliver(IReadOnlyList<OutboxAlert> alerts, DeliveryReceipt receipt) =>
            Seen.AddRange(alerts.Select(a => a.Id));
        public void Dispose() { }
    }

    [Fact]
    public void A_sink_that_returns_delivered_what_it_did_not_reject_and_is_not_offered_it_again()
    {
        var sink = new SilentSink();
        var outbox = new MemoryOutbox([A, B], sink.Name);
        var dispatcher = new AlertDispatcher([sink], NullRunLog.Instance);
        Assert.Equal(0, dispatcher.DeliverOutbox(outbox));
        Assert.Equal(0, dispatcher.DeliverOutbox(outbox));
        Assert.Equal([A, B], sink.Seen);
        Assert.All(outbox.Rows.Values, r => Assert.True(r.Delivered));
    }
}
