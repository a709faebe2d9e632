using Amazon.Runtime;
using Amazon.S3;
using FlowSpike.Aws;

namespace FlowSpike.Records;

/// <summary>
/// How to reach S3: the standard credential chain and region settings, or an S3-compatible endpoint
/// (--endpoint-url or AWS_ENDPOINT_URL), which switches to path-style addressing.
/// </summary>
internal sealed record S3Settings
{
    public string? EndpointUrl { get; init; }
    public string? Region { get; init; }
    /// <summary>Explicit credentials; null uses the SDK's default chain (environment, profile, instance
    /// role...).</summary>
    public AWSCredentials? Credentials { get; init; }
    /// <summary>For tests and embedders: an HTTP client factory (for example one that counts requests).</summary>
    public HttpClientFactory? HttpClientFactory { get; init; }
    /// <summary>Keys per LIST request (S3's maximum is 1000).</summary>
    public int ListPageSize { get; init; } = 1000;

    /// <summary>The endpoint as <see cref="AwsEnvironment.EndpointFor"/> finds it for S3; one that is not a URL is
    /// a <see cref="FlowInputException"/>.</summary>
    public static S3Settings FromEnvironment(string? endpointUrl = null) => new()
    {
        EndpointUrl = AwsEnvironment.EndpointFor("s3", endpointUrl, m => new FlowInputException(m)),
        Region = NullIfEmpty(Environment.GetEnvironmentVariable("AWS_REGION"))
            ?? NullIfEmpty(Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION")),
    };

    public AmazonS3Client CreateClient()
    {
        var config = new AmazonS3Config();
        if (EndpointUrl is not null)
        {
            config.ServiceURL = EndpointUrl;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = Region ?? "us-east-1";
        }
        else if (Region is not null)
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(Region);
        }
        if (HttpClientFactory is not null)
            config.HttpClientFactory = HttpClientFactory;
        return Credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(Credentials, config);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
