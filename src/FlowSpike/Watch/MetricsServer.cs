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

    public void Dispose()
    {
        _listener.Close();
        _thread.Join(TimeSpan.FromSeconds(2));
    }
}
