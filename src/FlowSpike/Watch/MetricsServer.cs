using System.Net;
using System.Text;

namespace FlowSpike.Watch;

/// <summary>/healthz and /metrics over HTTP, on a loopback address unless told otherwise.</summary>
public sealed class MetricsServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly WatchMetrics _metrics;
    private readonly Thread _thread;

    public MetricsServer(string hostPort, WatchMetrics metrics)
    {
        _metrics = metrics;
        _listener.Prefixes.Add($"http://{hostPort}/");
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException e)
        {
            throw new IOException($"--listen {hostPort}: cannot listen ({e.Message})", e);
        }
        _thread = new Thread(Serve) { IsBackground = true, Name = "flowspike-metrics" };
        _thread.Start();
    }

    private void Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = _listener.GetContext();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                string path = context.Request.Url?.AbsolutePath ?? "/";
                (int status, string type, string body) = path switch
                {
                    "/healthz" => (200, "text/plain", "ok\n"),
                    "/metrics" => (200, "text/plain; version=0.0.4", _metrics.Render()),
                    _ => (404, "text/plain", "not found; try /healthz or /metrics\n"),
                };
                byte[] bytes = Encoding.UTF8.GetBytes(body);
                context.Response.StatusCode = status;
                context.Response.ContentType = type;
                context.Response.ContentLength64 = bytes.Length;
                context.Response.OutputStream.Write(bytes);
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException)
            {
                // The client went away; keep serving others.
            }
        }
    }

    /// <summary>
    /// A warning when <paramref name="hostPort"/> serves beyond this machine: the metrics name files, hosts and counts,
    /// and nothing authenticates a reader. Null for a loopback address (or "none").
    /// </summary>
    public static string? Exposure(string hostPort)
    {
        if (hostPort == "none")
            return null;
        int colon = hostPort.LastIndexOf(':');
        string host = (colon > 0 ? hostPort[..colon] : hostPort).Trim('[', ']');
        bool loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
        return loopback ? null
            : $"--listen {hostPort} is not a loopback address: /metrics and /healthz are open to the network " +
                "without authentication";
    }

    public void Dispose()
    {
        _listener.Close();
        _thread.Join(TimeSpan.FromSeconds(2));
    }
}
