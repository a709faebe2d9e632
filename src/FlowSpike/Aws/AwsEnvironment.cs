using Amazon.Runtime.Credentials;

namespace FlowSpike.Aws;

/// <summary>Region and credentials as every AWS tool finds them: the SDK's default chain and AWS_REGION.</summary>
public static class AwsEnvironment
{
    public static string? Region =>
        NullIfEmpty(Environment.GetEnvironmentVariable("AWS_REGION"))
        ?? NullIfEmpty(Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"));

    /// <summary>The endpoint for one service, as the AWS SDKs define it: the endpoint the user gave for every
    /// service (--endpoint-url), then AWS_ENDPOINT_URL_&lt;SERVICE&gt; (AWS_ENDPOINT_URL_LOGS), then
    /// AWS_ENDPOINT_URL.</summary>
    public static string? EndpointFor(string serviceId, string? given = null) =>
        NullIfEmpty(given)
        ?? NullIfEmpty(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_" + serviceId.ToUpperInvariant()))
        ?? NullIfEmpty(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"));

    /// <summary>Environment, profile, SSO, container or instance role, as the SDK resolves them.</summary>
    public static AwsSigV4.Credentials Credentials()
    {
        var resolved = DefaultAWSCredentialsIdentityResolver.GetCredentials().GetCredentials();
        return new AwsSigV4.Credentials(resolved.AccessKey, resolved.SecretKey, resolved.Token);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
