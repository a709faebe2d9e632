using System.Collections.Concurrent;
using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FlowSpike.Records;

namespace FlowSpike.Tests.Support;

/// <summary>
/// A real S3-compatible server (the npm package s3rver) on 127.0.0.1 with a fresh folder, for the life of a test
/// class. test.sh installs it under tests/s3rver.
/// </summary>
public sealed class S3Server : IDisposable
{
    public const string Bucket = "flowlogs";
    private readonly Process _process;
    private readonly string _dir;

    public S3Server()
    {
        string script = Path.Combine(RepositoryRoot(), "tests", "s3rver", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
            throw new InvalidOperationException(
                $"s3rver is not installed at {script}; run ./test.sh, which installs it with npm");
        _dir = Path.Combine(Path.GetTempPath(), "flowspike-s3rver-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false
        };
        foreach (string a in new[] { script, "-d", _dir, "-a", "127.0.0.1", "-p", "0", "-s", "--configure-bucket",
            Bucket })
            psi.ArgumentList.Add(a);
        // OpenSSL 3 refuses the DES that s3rver uses for continuation tokens unless legacy algorithms are on.
        psi.Environment["NODE_OPTIONS"] = "--openssl-legacy-provider";
        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            string? line = _process.StandardOutput.ReadLine();
            if (line is null)
                break;
            const string marker = "listening on ";
            int at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                Endpoint = "http://" + line[(at + marker.Length)..].Trim();
                _ = _process.StandardOutput.ReadToEndAsync();
                return;
            }
        }
        Dispose();
        throw new InvalidOperationException("s3rver did not start");
    }

    public string Endpoint { get; } = "";

    /// <summary>Every request the clients made through <see cref="Settings"/>, as "METHOD path?query".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    internal S3Settings Settings => new()
    {
        EndpointUrl = Endpoint,
        Region = "us-east-1",
        Credentials = new BasicAWSCredentials("S3RVER", "S3RVER"),
        HttpClientFactory = new CountingFactory(Requests),
    };

    /// <summary>Uploads every file under <paramref name="dir"/> with keys relative to it, below
    /// <paramref name="prefix"/>.</summary>
    public void Upload(string dir, string prefix)
    {
        using var client = new AmazonS3Client(new BasicAWSCredentials("S3RVER", "S3RVER"), new AmazonS3Config
        {
            ServiceURL = Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            // s3rver would store aws-chunked framing as content, so uploads are signed unchunked.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
        var files = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).ToList();
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = 8 }, f =>
        {
            string key = prefix + Path.GetRelativePath(dir, f).Replace('\\', '/');
            client.PutObjectAsync(
                new PutObjectRequest { BucketName = Bucket, Key = key, FilePath = f, UseChunkEncoding = false })
                .GetAwaiter().GetResult();
        });
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
    }

    private static string RepositoryRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "FlowSpike.slnx")))
            d = d.Parent;
        return d?.FullName ?? throw new DirectoryNotFoundException("repository root (FlowSpike.slnx) not found");
    }

    private sealed class CountingFactory(ConcurrentQueue<string> requests) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(new CountingHandler(requests) { InnerHandler = new HttpClientHandler() });

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;
    }

    private sealed class CountingHandler(ConcurrentQueue<string> requests) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
            CancellationToken cancellationToken)
        {
            requests.Enqueue($"{request.Method} {Uri.UnescapeDataString(request.RequestUri!.PathAndQuery)}");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
