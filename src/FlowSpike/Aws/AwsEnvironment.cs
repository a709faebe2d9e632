using Amazon.Runtime.Credentials;

namespace FlowSpike.Aws;

/// <summary>Region and credentials as every AWS tool finds them: the SDK's default chain and AWS_REGION.</summary>
internal static class AwsEnvironment
{
    public static string? Region =>
        NullIfEmpty(Environment.GetEnvironmentVariable("AWS_REGION"))
        ?? NullIfEmpty(Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"));

    /// <summary>The endpoint for one service, as the AWS SDKs define it: the endpoint the user gave for every
    /// service (--endpoint-url), then AWS_ENDPOINT_URL_&lt;SERVICE&gt; (AWS_ENDPOINT_URL_LOGS), then
    /// AWS_ENDPOINT_URL. One that is not an http(s) URL becomes <paramref name="error"/>'s exception, naming where
    /// it was given: the SDK's own error for it is a stack trace.</summary>
    public static string? EndpointFor(string serviceId, string? given, Func<string, Exception> error)
    {
        if (NullIfEmpty(given) is { } flag)
            return Checked(flag, "--endpoint-url", error);
        string variable = "AWS_ENDPOINT_URL_" + serviceId.ToUpperInvariant();
        if (NullIfEmpty(Environment.GetEnvironmentVariable(variable)) is { } own)
            return Checked(own, variable, error);
        return NullIfEmpty(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL")) is { } general
            ? Checked(general, "AWS_ENDPOINT_URL", error) : null;
    }

    /// <summary><paramref name="url"/> when it is an absolute http or https URL, else <paramref name="error"/>'s
    /// exception naming <paramref name="source"/>.</summary>
    internal static string Checked(string url, string source, Func<string, Exception> error) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Host.Length > 0
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? url
            : throw error($"{source}: '{url}' is not an endpoint URL (give http://host:port or https://host)");

    /// <summary>Environment, profile, SSO, container or instance role, as the SDK resolves them.</summary>
    public static AwsSigV4.Credentials Credentials()
    {
        var resolved = DefaultAWSCredentialsIdentityResolver.GetCredentials().GetCredentials();
        return new AwsSigV4.Credentials(resolved.AccessKey, resolved.SecretKey, resolved.Token);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
