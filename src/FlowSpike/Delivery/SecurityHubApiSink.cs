using System.Text.Json;
using FlowSpike.Alerts;
using FlowSpike.Aws;
using FlowSpike.State;

namespace FlowSpike.Delivery;

/// <summary>
/// Imports alerts into AWS Security Hub with BatchImportFindings (POST /findings/import, SigV4-signed), within its
/// limits: at most 100 findings and 6 MB a request. Security Hub answers per finding; a finding it fails is retried
/// on its own with backoff, and the others count as delivered. A request the service refuses as a whole is split
/// into single findings, so one bad finding does not hold back the rest.
/// </summary>
internal sealed class SecurityHubApiSink : IAlertSink
{
    public const int MaxFindings = FindingBatches.MaxFindings;
    public const int MaxRequestBytes = FindingBatches.MaxBytes;

    private readonly Uri _endpoint;
    private readonly string _region;
    private readonly AsffOptions _options;
    private readonly HttpDelivery _delivery;
    private readonly Func<AwsSigV4.Credentials> _credentials;
    private AwsSigV4.Credentials? _resolved;

    public SecurityHubApiSink(string region, AsffOptions options, HttpDelivery delivery, string? endpoint = null,
        Func<AwsSigV4.Credentials>? credentials = null)
    {
        _region = region;
        _options = options;
        _delivery = delivery;
        _credentials = credentials ?? AwsEnvironment.Credentials;
        // A bad endpoint refuses the sink (ArgumentException: the job names it) before anything is sent.
        string url = (endpoint is not null
                ? AwsEnvironment.Checked(endpoint, "sink \"securityhub\": \"endpoint\"", m => new ArgumentException(m))
                : AwsEnvironment.EndpointFor("securityhub", null, m => new ArgumentException(m)))
            ?? $"https://securityhub.{region}.amazonaws.com";
        _endpoint = new Uri(new Uri(url.TrimEnd('/') + "/"), "findings/import");
        Name = SinkName.Of("securityhub", url.TrimEnd('/'));
    }

    public string Name { get; }

    public TimeSpan RejectBackoff { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Credentials are looked up before the run changes anything, so a missing one is a clear error.</summary>
    public void Check() => Credentials();

    public void Deliver(IReadOnlyList<OutboxAlert> alerts, DeliveryReceipt receipt)
    {
        foreach (var batch in FindingBatches.Split(alerts, _options))
            Import(batch, receipt);
    }

    private void Import(List<(OutboxAlert Alert, string Finding)> batch, DeliveryReceipt receipt)
    {
        string answer;
        try
        {
            answer = Post(batch);
        }
        catch (SinkRejectedException) when (batch.Count > 1)
        {
            foreach (var one in batch)
                Import([one], receipt);
            return;
        }
        catch (SinkRejectedException e)
        {
            receipt.Reject(batch[0].Alert.Id, e.Message);
            return;
        }
        var failed = FailedFindings(answer);
        var delivered = new List<string>();
        foreach (var (alert, _) in batch)
        {
            if (failed.TryGetValue(AsffFinding.Id(alert.Id), out string? why))
            {
                if (delivered.Count > 0)
                    receipt.Deliver(delivered);
                delivered = [];
                receipt.Reject(alert.Id, why);
            }
            else
            {
                delivered.Add(alert.Id);
            }
        }
        receipt.Deliver(delivered);
    }

    private string Post(List<(OutboxAlert Alert, string Finding)> batch)
    {
        string body = FindingBatches.Body(batch);
        var credentials = Credentials();
        return _delivery.Post(_endpoint, body, "application/json", sign: (request, bytes) =>
            AwsSigV4.Sign(request, bytes, credentials, _region, "securityhub", DateTimeOffset.UtcNow));
    }

    /// <summary>FailedFindings of a BatchImportFindings answer: finding id to "ErrorCode: ErrorMessage".</summary>
    private static Dictionary<string, string> FailedFindings(string answer)
    {
        var failed = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(answer);
            if (!doc.RootElement.TryGetProperty("FailedFindings", out var list))
                return failed;
            foreach (var f in list.EnumerateArray())
            {
                string id = f.TryGetProperty("Id", out var i) ? i.GetString() ?? "" : "";
                string code = f.TryGetProperty("ErrorCode", out var c) ? c.GetString() ?? "" : "";
                string message = f.TryGetProperty("ErrorMessage", out var m) ? m.GetString() ?? "" : "";
                failed[id] = $"{code}: {message}";
            }
        }
        catch (JsonException e)
        {
            throw new SinkException($"BatchImportFindings answered with something that is not JSON ({e.Message})");
        }
        return failed;
    }

    private AwsSigV4.Credentials Credentials()
    {
        if (_resolved is not null)
            return _resolved;
        try
        {
            return _resolved = _credentials();
        }
        catch (Amazon.Runtime.AmazonClientException e)
        {
            throw new SinkException($"{Name}: {FlowSpike.Records.AwsError.OneLine(e)}", e);
        }
    }

    public void Dispose() { }
}
