using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.SQS;

namespace FlowSpike.Queue;

/// <summary>
/// What `watch --queue` consumes: the queue, how long a received message stays invisible (extended at half-time
/// while it is in flight), which keys to read, the history to list first, and how many bytes of objects to have in
/// flight at once.
/// </summary>
internal sealed record QueueRequest
{
    public const int DefaultVisibilitySeconds = 300;
    public const long DefaultLatenessSeconds = 1200;
    public const long DefaultBytesInFlight = 256L << 20;

    public required string Url { get; init; }
    public int VisibilitySeconds { get; init; } = DefaultVisibilitySeconds;
    /// <summary>Only keys that start with this are read; the others are counted as declined and deleted.</summary>
    public string? KeyPrefix { get; init; }
    public Regex? KeyRegex { get; init; }
    /// <summary>List the s3:// inputs from this time once before consuming the queue.</summary>
    public long? BackfillFrom { get; init; }
    /// <summary>Receives stop adding messages once their objects reach this many bytes (the round is then
    /// read).</summary>
    public long BytesInFlight { get; init; } = DefaultBytesInFlight;
    /// <summary>Long-poll wait of a receive (SQS's maximum is 20 s).</summary>
    public int WaitSeconds { get; init; } = 20;

    // How to reach SQS.
    public string? EndpointUrl { get; init; }
    public string? Region { get; init; }
    public AWSCredentials? Credentials { get; init; }
    /// <summary>For tests and embedders: an HTTP client factory (for example one that records requests).</summary>
    public HttpClientFactory? HttpClientFactory { get; init; }

    public bool Accepts(string key) =>
        (KeyPrefix is null || key.StartsWith(KeyPrefix, StringComparison.Ordinal))
        && (KeyRegex is null || KeyRegex.IsMatch(key));

    internal QueueClient CreateClient()
    {
        var config = new AmazonSQSConfig();
        string? region = Region ?? RegionOf(Url);
        if (EndpointUrl is not null)
        {
            config.ServiceURL = EndpointUrl;
            config.AuthenticationRegion = region ?? "us-east-1";
        }
        else if (region is not null)
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        }
        if (HttpClientFactory is not null)
            config.HttpClientFactory = HttpClientFactory;
        var sqs = Credentials is null ? new AmazonSQSClient(config) : new AmazonSQSClient(Credentials, config);
        return new QueueClient(sqs, Url);
    }

    /// <summary>The region of an AWS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME).</summary>
    private static string? RegionOf(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return null;
        var labels = uri.Host.Split('.');
        return labels.Length >= 4 && labels[0] == "sqs" ? labels[1] : null;
    }
}
