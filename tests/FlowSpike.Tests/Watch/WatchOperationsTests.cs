using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FlowSpike.Tests.Faults;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Watch;

/// <summary>
/// What an SRE relies on when watch runs unattended: probes and scrapes answer on any address whatever Host header
/// they send, /healthz says why it is degraded, held deliveries fail a --once run, a model that cannot score refuses
/// to start, an S3 outage is ridden out, and a watch started before its baseline waits for it.
/// </summary>
public sealed class WatchOperationsTests
{
    private const string PodAddress = "10.244.0.7:9464";

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static Process Start(IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var p = Process.Start(Support.Cli.StartInfo(args, env))!;
        p.StandardInput.Close();
        _ = p.StandardOutput.ReadToEndAsync();
        return p;
    }

    private static async Task Stop(Process p)
    {
        if (!p.HasExited)
            p.Kill(entireProcessTree: true);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        p.Dispose();
    }

    /// <summary>GET 127.0.0.1:port/path with the given Host header; (0, "") while nothing listens.</summary>
    private static async Task<(int Status, string Body)> Get(int port, string path, string? host = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{path}");
        if (host is not null)
            request.Headers.Host = host;
        try
        {
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            return ((int)response.StatusCode,
                await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }
        catch (HttpRequestException)
        {
            return (0, "");
        }
    }

    /// <summary>Asks /healthz every 250 ms until <paramref name="done"/> holds (or 30 s pass); the last
    /// answer.</summary>
    private static async Task<(int Status, string Body)> HealthUntil(int port, Process watch,
        Func<(int Status, string Body), bool> done)
    {
        (int, string) last = (0, "");
        for (int i = 0; i < 120 && !watch.HasExited; i++)
        {
            last = await Get(port, "/healthz");
            if (done(last))
                return last;
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
        return last;
    }

    private static string Config(TempDir dir, params object[] sinks) =>
        dir.Write("config.json", JsonSerializer.Serialize(new Dictionary<string, object> { ["sinks"] = sinks }));

    private static long Epoch(string iso) =>
        DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds();

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("[::]")]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task Probes_and_scrapes_answer_whatever_host_header_they_send(string address)
    {
        using var dir = new TempDir();
        var data = new DeliveryFaultData(dir);
        int port = FreePort();
        var watch = Start(["watch", "--input", data.Input, "--state", data.State, "--out", dir.File("a.jsonl"),
            "--listen", $"{address}:{port}", "--poll-interval", "1s", "-q"]);
        try
        {
            var first = await HealthUntil(port, watch, h => h.Status != 0);
            Assert.True(first.Status == 200, $"/healthz answered {first.Status}: {first.Body}");
            foreach (string host in new[] { PodAddress, $"localhost:{port}", $"127.0.0.1:{port}" })
            {
                var health = await Get(port, "/healthz", host);
                Assert.Equal((200, "ok\n"), health);
                var metrics = await Get(port, "/metrics", host);
                Assert.Equal(200, metrics.Status);
                // flowspike_degraded is measured from the start (the window gauges only once watch has read its
                // state, which may be after the listener answers).
                Assert.Matches(@"(?m)^flowspike_degraded(\{[^}]*\})? 0$", metrics.Body);
                Assert.Contains("service_name=\"flowspike\"", metrics.Body, StringComparison.Ordinal);
            }
            Assert.Equal(404, (await Get(port, "/other", PodAddress)).Status);
        }
        finally
        {
            await Stop(watch);
        }
    }

    [Fact]
    public void Watch_once_exits_3_while_a_sink_holds_alerts_as_detect_does()
    {
        using var dir = new TempDir();
        var data = new DeliveryFaultData(dir);
        using var down = new TestHttpServer(_ => 503);
        string config = Config(dir, new Dictionary<string, string> { ["type"] = "webhook", ["url"] = down.Url + "h" });
        string clock = dir.Write("clock", (Epoch(DeliveryFaultData.To) + 3600).ToString(
            System.Globalization.CultureInfo.InvariantCulture));
        var r = Support.Cli.Run("watch", "--once", "--input", data.Input, "--state", data.State, "--config", config,
            "--clock", clock, "--listen", "none", "-q");
        Assert.True(r.ExitCode == 3, $"exit {r.ExitCode}: {r.Stderr}");
        Assert.Contains("4 alert delivery(ies) held", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_is_degraded_and_metrics_count_what_a_down_sink_holds()
    {
        using var dir = new TempDir();
        var data = new DeliveryFaultData(dir);
        using var down = new TestHttpServer(_ => 503);
        string config = Config(dir, new Dictionary<string, string> { ["type"] = "webhook", ["url"] = down.Url + "h" });
        string clock = dir.Write("clock", (Epoch(DeliveryFaultData.To) + 3600).ToString(
            System.Globalization.CultureInfo.InvariantCulture));
        int port = FreePort();
        var watch = Start(["watch", "--input", data.Input, "--state", data.State, "--config", config, "--clock", clock,
            "--listen", $"127.0.0.1:{port}", "--poll-interval", "1s", "-q"]);
        try
        {
            var health = await HealthUntil(port, watch, h => h.Body.StartsWith("degraded", StringComparison.Ordinal));
            Assert.StartsWith("degraded: 4 alert(s) held for webhook:", health.Body, StringComparison.Ordinal);
            Assert.Equal(200, health.Status);
            string metrics = (await Get(port, "/metrics")).Body;
            Assert.Matches(@"(?m)^flowspike_deliveries_held\{[^}]*sink=""webhook:[^""]+""[^}]*\} 4$", metrics);
            Assert.Matches(@"(?m)^flowspike_delivery_failures_total\{[^}]*sink=""webhook:[^}]*\} [1-9]", metrics);
            Assert.Matches(@"(?m)^flowspike_degraded(\{[^}]*\})? 1$", metrics);
        }
        finally
        {
            await Stop(watch);
        }
    }

    [Fact]
    public void A_splunk_watch_or_detect_over_a_state_without_baseline_refuses_and_says_to_run_baseline()
    {
        using var dir = new TempDir();
        var data = new DeliveryFaultData(dir);
        string state = dir.File("fresh.db");
        var watch = Support.Cli.Run("watch", "--once", "--input", data.Input, "--state", state, "--from",
            DeliveryFaultData.From, "--listen", "none");
        Assert.Equal(1, watch.ExitCode);
        Assert.Contains("scores only the hosts a baseline seeded", watch.Stderr, StringComparison.Ordinal);
        Assert.Contains("run `flowspike baseline`", watch.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(state), "a refused watch left a state behind");
        var detect = Support.Cli.Run("detect", "--input", data.Input, "--state", state, "--from",
            DeliveryFaultData.From, "--to", DeliveryFaultData.To);
        Assert.Equal(1, detect.ExitCode);
        Assert.Contains("scores only the hosts a baseline seeded", detect.Stderr, StringComparison.Ordinal);

        // Without --from, the hint names what works for the model: only a baseline for splunk.
        var splunk = Support.Cli.Run("watch", "--once", "--input", data.Input, "--state", state, "--listen", "none");
        Assert.Equal(1, splunk.ExitCode);
        Assert.Contains("run `flowspike baseline` into this state first", splunk.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("--from", splunk.Stderr, StringComparison.Ordinal);
        var recommended = Support.Cli.Run("watch", "--once", "--input", data.Input, "--state", state, "--model",
            "recommended", "--listen", "none");
        Assert.Equal(1, recommended.ExitCode);
        Assert.Contains("or give --from", recommended.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_daemon_rides_out_an_unreachable_s3_and_reports_it()
    {
        using var dir = new TempDir();
        int closed = FreePort(), port = FreePort();
        var env = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_MAX_ATTEMPTS"] = "1",
        };
        var watch = Start(["watch", "--input", "s3://flow-logs/AWSLogs/", "--endpoint-url",
            $"http://127.0.0.1:{closed}", "--state", dir.File("s.db"), "--from", DeliveryFaultData.From, "--model",
            "recommended", "--listen", $"127.0.0.1:{port}", "--poll-interval", "1s", "-q"], env);
        try
        {
            var health = await HealthUntil(port, watch, h => h.Body.Contains("polls in a row failed",
                StringComparison.Ordinal));
            Assert.False(watch.HasExited, "watch exited on a failed listing: " +
                (watch.HasExited
                ? await watch.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken)
                : ""));
            Assert.Contains("3 polls in a row failed (last: s3://flow-logs/AWSLogs/", health.Body,
                StringComparison.Ordinal);
            Assert.Matches(@"(?m)^flowspike_poll_errors_total(\{[^}]*\})? [3-9]",
                (await Get(port, "/metrics")).Body);
        }
        finally
        {
            await Stop(watch);
        }
        // --once, what a CronJob runs, still exits on it.
        var once = Support.Cli.RunWith(["watch", "--once", "--input", "s3://flow-logs/AWSLogs/", "--endpoint-url",
            $"http://127.0.0.1:{closed}", "--state", dir.File("s.db"), "--from", DeliveryFaultData.From, "--model",
            "recommended", "--listen", "none"], env: env);
        Assert.Equal(1, once.ExitCode);
        Assert.Contains("cannot list", once.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_daemon_started_before_its_baseline_waits_for_it_then_runs()
    {
        using var dir = new TempDir();
        var data = new DeliveryFaultData(dir);
        string state = dir.File("later.db");
        int port = FreePort();
        var watch = Start(["watch", "--input", data.Input, "--state", state, "--out", dir.File("a.jsonl"),
            "--listen", $"127.0.0.1:{port}", "--poll-interval", "1s", "-q"]);
        try
        {
            var waiting = await HealthUntil(port, watch, h => h.Body.Contains("waiting", StringComparison.Ordinal));
            Assert.False(watch.HasExited, "watch exited instead of waiting for its baseline");
            Assert.StartsWith("degraded: waiting for a baseline: ", waiting.Body, StringComparison.Ordinal);
            Assert.Contains("run `flowspike baseline` into this state first", waiting.Body, StringComparison.Ordinal);
            // The waiting watch holds no lock: the baseline can write the state, and watch then runs on it.
            var baseline = Support.Cli.Run("baseline", "--input", data.Input, "--from", "2026-10-01T00:00:00Z", "--to",
                DeliveryFaultData.From, "--state", state, "-q");
            Assert.True(baseline.ExitCode == 0, baseline.Stderr);
            var running = await HealthUntil(port, watch, h => h.Body == "ok\n");
            Assert.Equal((200, "ok\n"), running);
        }
        finally
        {
            await Stop(watch);
        }
    }
}
