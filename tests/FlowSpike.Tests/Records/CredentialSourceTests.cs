using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FlowSpike.Tests.Faults;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Records;

/// <summary>
/// The credential sources a deployment uses, against moto's S3 and STS: web identity (IRSA on EKS) and a role_arn
/// profile with source_profile each call STS for credentials and then read S3; an STS that cannot be reached is one
/// line, no stack trace. No static key is in the environment of these runs.
/// </summary>
public sealed class CredentialSourceTests : IClassFixture<CredentialSourceTests.Moto>
{
    private readonly Moto _moto;

    public CredentialSourceTests(Moto moto) => _moto = moto;

    public sealed class Moto : IDisposable
    {
        private readonly Process _process;
        private readonly TempDir _dir = new();

        public Moto()
        {
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }
            var psi = new ProcessStartInfo("python3") { UseShellExecute = false, RedirectStandardError = true };
            foreach (string a in new[] { "-m", "moto.server", "-H", "127.0.0.1", "-p", Port.ToString(
                System.Globalization.CultureInfo.InvariantCulture) })
                psi.ArgumentList.Add(a);
            _process = Process.Start(psi)!;
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginErrorReadLine();
            for (int i = 0; i < 100; i++)
            {
                try
                {
                    using var c = new TcpClient();
                    c.Connect(IPAddress.Loopback, Port);
                    break;
                }
                catch (SocketException)
                {
                    Thread.Sleep(100);
                }
            }
            Data = new DeliveryFaultData(_dir);
            using var s3 = new AmazonS3Client(new BasicAWSCredentials("setup", "setup"),
                new AmazonS3Config
                {
                    ServiceURL = Endpoint,
                    ForcePathStyle = true,
                    AuthenticationRegion = "us-east-1",
                });
            s3.PutBucketAsync("flow-logs").GetAwaiter().GetResult();
            s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = "flow-logs",
                Key = "AWSLogs/f.log",
                FilePath = Data.Input,
            }).GetAwaiter().GetResult();
        }

        public int Port { get; }
        public string Endpoint => $"http://127.0.0.1:{Port}";
        public DeliveryFaultData Data { get; }
        public string Dir => _dir.Path;

        public void Dispose()
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
            _process.Dispose();
            _dir.Dispose();
        }
    }

    /// <summary>An environment with no static key, no instance metadata and empty shared files, plus
    /// <paramref name="extra"/>.</summary>
    private Dictionary<string, string> Env(TempDir dir, Dictionary<string, string> extra)
    {
        string empty = dir.Write("empty", "");
        var env = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "",
            ["AWS_SECRET_ACCESS_KEY"] = "",
            ["AWS_SESSION_TOKEN"] = "",
            ["AWS_CONFIG_FILE"] = empty,
            ["AWS_SHARED_CREDENTIALS_FILE"] = empty,
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL"] = _moto.Endpoint,
        };
        foreach (var (k, v) in extra)
            env[k] = v;
        return env;
    }

    /// <summary>A baseline from moto's S3: with <paramref name="door"/> through ./flowspike (the Native AOT build,
    /// whose trimmed SDK must still carry STS and SSO), else the JIT build.</summary>
    private static Support.Cli.Outcome Baseline(TempDir dir, Dictionary<string, string> env, bool door) =>
        Support.Cli.RunWith(["baseline", "--input", "s3://flow-logs/AWSLogs/", "--from", "2026-10-01T00:00:00Z",
            "--to", DeliveryFaultData.From, "--state", dir.File("s.db")], null, env, door);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Web_identity_irsa_gets_credentials_from_sts(bool door)
    {
        using var dir = new TempDir();
        var r = Baseline(dir, Env(dir, new()
        {
            ["AWS_WEB_IDENTITY_TOKEN_FILE"] = dir.Write("token", "eyJhbGciOiJSUzI1NiJ9.test.sig"),
            ["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/flowspike-reader",
            ["AWS_ROLE_SESSION_NAME"] = "flowspike",
        }), door);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("baseline: 4 hosts", r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_role_arn_profile_assumes_its_role_with_the_source_profile(bool door)
    {
        using var dir = new TempDir();
        string config = dir.Write("config", """
            [profile base]
            aws_access_key_id = AKIABASEEXAMPLE
            aws_secret_access_key = base-secret
            [profile reader]
            role_arn = arn:aws:iam::123456789012:role/flowspike-reader
            source_profile = base
            """);
        var ok = Baseline(dir, Env(dir, new() { ["AWS_CONFIG_FILE"] = config, ["AWS_PROFILE"] = "reader" }), door);
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        Assert.Contains("baseline: 4 hosts", ok.Stderr, StringComparison.Ordinal);

        // The role really is assumed: with STS unreachable the run fails, in one line naming the role.
        using var again = new TempDir();
        var down = Baseline(again, Env(again, new()
        {
            ["AWS_CONFIG_FILE"] = config,
            ["AWS_PROFILE"] = "reader",
            ["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:1",
            ["AWS_MAX_ATTEMPTS"] = "1",
        }), door);
        Assert.Equal(1, down.ExitCode);
        Assert.Contains("arn:aws:iam::123456789012:role/flowspike-reader", down.Stderr, StringComparison.Ordinal);
        Assert.Single(down.Stderr.Trim().Split('\n'));
        DeliveryFaultData.NoStackTrace(down);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_sso_profile_without_a_login_fails_in_one_line_naming_it(bool door)
    {
        using var dir = new TempDir();
        string config = dir.Write("config", """
            [profile sso]
            sso_start_url = https://example.awsapps.com/start
            sso_region = us-east-1
            sso_account_id = 123456789012
            sso_role_name = Reader
            """);
        var r = Baseline(dir, Env(dir, new() { ["AWS_CONFIG_FILE"] = config, ["AWS_PROFILE"] = "sso" }), door);
        Assert.Equal(1, r.ExitCode);
        string line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.StartsWith("flowspike: error: s3://flow-logs/AWSLogs/: cannot list (no AWS credentials (tried: ", line,
            StringComparison.Ordinal);
        Assert.Contains("[sso] is an SSO profile", line, StringComparison.Ordinal);
        DeliveryFaultData.NoStackTrace(r);
    }
}
