using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Faults;

/// <summary>
/// A sink outage on the cluster, as an operator meets it: a real silo process on a real Redis (Debian's
/// redis-server, on 127.0.0.1), the CLI's
/// cluster commands, and a webhook that is down for the first run. The outage prints no stack trace, and a later run
/// that starts at the next window still delivers every held alert exactly once.
/// </summary>
public sealed class ClusterFaultTests : IDisposable
{
    private readonly List<Process> _processes = [];
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            try
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit(10_000);
            }
            catch (InvalidOperationException)
            {
            }
            p.Dispose();
        }
        _dir.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Waits until a server accepts connections on the port, so a client started next finds it.</summary>
    private static async Task Listening(int port)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }
    }

    private Process Start(ProcessStartInfo psi)
    {
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        var p = Process.Start(psi)!;
        _processes.Add(p);
        return p;
    }

    /// <summary>Debian's redis-server on a free loopback port, answering; skipped where it is not installed.</summary>
    private async Task<int> StartRedis()
    {
        if (!File.Exists("/usr/bin/redis-server"))
            Assert.Skip("redis-server is not installed (test.sh installs it as root)");
        int port = FreePort();
        var redis = new ProcessStartInfo("/usr/bin/redis-server");
        foreach (string a in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", _dir.Path })
            redis.ArgumentList.Add(a);
        Start(redis);
        await Listening(port);
        return port;
    }

    /// <summary>The one line every cluster command prints when it cannot start, and nothing written.</summary>
    private void AssertRefused(string clustering, string expected, IDictionary<string, string>? env = null)
    {
        string csv = _dir.File("lookup.csv");
        var r = Support.Cli.RunWith(["cluster", "lookup", "export", "--clustering", clustering, "--state", "prod",
            "--out", csv], env: env);
        Assert.Equal(1, r.ExitCode);
        string error = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            l => l.StartsWith("flowspike: error:", StringComparison.Ordinal));
        Assert.Equal("flowspike: error: cluster: " + expected, error);
        DeliveryFaultData.NoStackTrace(r);
        Assert.False(File.Exists(csv));
    }

    [Fact]
    public void A_redis_that_cannot_be_reached_is_named_with_the_reason()
    {
        int closed = FreePort();
        AssertRefused($"redis://127.0.0.1:{closed}", $"cannot reach Redis at 127.0.0.1:{closed} (connection refused)");
        AssertRefused("redis://nosuchhost.invalid:6379",
            "cannot reach Redis at nosuchhost.invalid:6379 (the name 'nosuchhost.invalid' does not resolve)");
    }

    [Fact]
    public async Task A_cluster_with_no_silo_is_a_clear_error_after_a_bounded_wait()
    {
        int redisPort = await StartRedis();
        var clock = Stopwatch.StartNew();
        AssertRefused($"redis://127.0.0.1:{redisPort}", $"no silo of cluster 'flowspike' is registered in " +
            $"redis://127.0.0.1:{redisPort} (waited 3 s); start one with `flowspike cluster silo` on the same " +
            "--clustering", new Dictionary<string, string> { ["FLOWSPIKE_SILO_WAIT_SECONDS"] = "3" });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task a_sink_outage_on_the_cluster_holds_alerts_and_a_later_run_delivers_each_once()
    {
        int redisPort = await StartRedis();
        var data = new DeliveryFaultData(_dir);
        string clustering = $"redis://127.0.0.1:{redisPort}";
        int gateway = FreePort();
        var silo = Support.Cli.StartInfo(["cluster", "silo", "--clustering", clustering, "--cluster-id", "c12",
            "--silo-port", FreePort().ToString(), "--gateway-port", gateway.ToString(), "--scan-slots", "2"]);
        var siloProcess = Start(silo);
        var joined = new TaskCompletionSource();
        var said = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Line(string? text)
        {
            if (text is null)
                return;
            said.Enqueue(text);
            if (text.Contains("joined cluster", StringComparison.Ordinal))
                joined.TrySetResult();
        }
        siloProcess.ErrorDataReceived += (_, e) => Line(e.Data);
        siloProcess.OutputDataReceived += (_, e) => Line(e.Data);
        // A silo that exits before it joins fails the test at once, with what it said.
        siloProcess.EnableRaisingEvents = true;
        siloProcess.Exited += (_, _) => joined.TrySetException(
            new InvalidOperationException("the silo exited before it joined: " + string.Join(" | ", said)));
        siloProcess.BeginErrorReadLine();
        siloProcess.BeginOutputReadLine();
        // Under a full parallel test run on two cores a silo can take well over a minute to join.
        await joined.Task.WaitAsync(TimeSpan.FromSeconds(180), TestContext.Current.CancellationToken);

        string[] cluster = ["--clustering", clustering, "--cluster-id", "c12", "--state", "c12"];
        var baseline = Support.Cli.Run(["cluster", "baseline", "--input", data.Input, "--from", "2026-10-01T00:00:00Z",
            "--to", DeliveryFaultData.From, .. cluster]);
        Assert.True(baseline.ExitCode == 0, baseline.Stderr);

        bool up = false;
        using var server = new TestHttpServer(_ => up ? 200 : 503);
        string config =
            _dir.Write("config.json",
                $$"""{ "sinks": [ { "type": "webhook", "url": "{{server.Url}}hook/secret-token" } ] }""");
        // The first run closes the first two windows (three alerts) while the webhook is down.
        var first = Support.Cli.Run(["cluster", "detect", "--input", data.Input, "--from", DeliveryFaultData.From,
            "--to", "2026-10-04T02:00:00Z", "--config", config, .. cluster]);
        Assert.Equal(3, first.ExitCode);
        DeliveryFaultData.NoStackTrace(first);
        Assert.Contains("kept in the state until it succeeds", first.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", first.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Accepted);

        // The next run starts at the next window; the held alerts go out first, then the new ones, each once.
        up = true;
        var second = Support.Cli.Run(["cluster", "detect", "--input", data.Input, "--from", "2026-10-04T02:00:00Z",
            "--to", DeliveryFaultData.To, "--config", config, .. cluster]);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal(DeliveryFaultData.ExpectedIds, server.Accepted.Select(a => DeliveryFaultData.IdOf(a.Body)));

        // A third run has nothing held and nothing new: nothing is sent again.
        var third = Support.Cli.Run(["cluster", "detect", "--input", data.Input, "--from", DeliveryFaultData.From,
            "--to", DeliveryFaultData.To, "--config", config, .. cluster]);
        Assert.True(third.ExitCode == 0, third.Stderr);
        Assert.Equal(4, server.Accepted.Count);
    }
}
