using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FlowSpike.Tests.Support;

/// <summary>A real HTTP server on 127.0.0.1 that records what it receives and answers as told (for example, fails on
/// purpose).</summary>
public sealed class TestHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Thread _thread;

    public sealed record Received(string Method, string Path, string? Authorization, string Body)
    {
        /// <summary>Every request header, lower-cased names.</summary>
        public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

        public string Query { get; init; } = "";
    }

    public TestHttpServer(Func<Received, int> status)
        : this(r => (status(r), ""))
    {
    }

    /// <summary>A server that answers each request with a status and a JSON body.</summary>
    public TestHttpServer(Func<Received, (int Status, string Body)> answer)
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _thread = new Thread(() =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext c;
                try
                {
                    c = _listener.GetContext();
                }
                catch (Exception e) when (
                    e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                using var reader = new StreamReader(c.Request.InputStream, Encoding.UTF8);
                var headers = c.Request.Headers.AllKeys.Where(k => k is not null)
                    .ToDictionary(k => k!.ToLowerInvariant(), k => c.Request.Headers[k]!);
                var received =
                    new Received(c.Request.HttpMethod, c.Request.Url!.AbsolutePath, c.Request.Headers["Authorization"],
                        reader.ReadToEnd())
                    {
                        Headers = headers,
                        Query = c.Request.Url.Query,
                    };
                var (code, body) = answer(received);
                if (code is >= 200 and < 300)
                    Accepted.Enqueue(received);
                else
                    Refused.Enqueue(received);
                c.Response.StatusCode = code;
                if (body.Length > 0)
                {
                    byte[] bytes = Encoding.UTF8.GetBytes(body);
                    c.Response.ContentType = "application/json";
                    c.Response.OutputStream.Write(bytes);
                }
                c.Response.Close();
            }
        })
        { IsBackground = true };
        _thread.Start();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/";

    public ConcurrentQueue<Received> Accepted { get; } = new();

    public ConcurrentQueue<Received> Refused { get; } = new();

    public void Dispose()
    {
        _listener.Close();
        _thread.Join(TimeSpan.FromSeconds(2));
    }
}
