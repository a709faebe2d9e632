using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Amazon.Runtime.Internal.Auth;

namespace FlowSpike.Tests.Support;

/// <summary>
/// Checks a request's SigV4 signature as AWS would: the canonical request rebuilt here from what arrived (a second,
/// test-side reading of AWS's rules), signed by the AWS SDK's own signer, compared with the Signature sent.
/// </summary>
public static partial class AwsRequestCheck
{
    [GeneratedRegex(
        @"^AWS4-HMAC-SHA256 Credential=(?<key>[^/]+)/(?<date>\d{8})/(?<region>[^/]+)/(?<service>[^/]+)/aws4_request, "
        + @"SignedHeaders=(?<signed>[a-z0-9;-]+), Signature=(?<sig>[0-9a-f]{64})$")]
    private static partial Regex AuthorizationPattern();

    /// <summary>Null when the signature is right for these credentials and service; otherwise what is wrong.</summary>
    public static string? Verify(TestHttpServer.Received r, string host, string accessKey, string secretKey,
        string region, string service)
    {
        var m = AuthorizationPattern().Match(r.Authorization ?? "");
        if (!m.Success)
            return $"malformed Authorization: {r.Authorization}";
        if (m.Groups["key"].Value != accessKey || m.Groups["region"].Value != region
            || m.Groups["service"].Value != service)
            return $"wrong credential scope: {r.Authorization}";
        string amzDate = r.Headers.GetValueOrDefault("x-amz-date") ?? "";
        if (!DateTime.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var signedAt))
            return "no x-amz-date";
        string payload = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(r.Body)));
        if (r.Headers.GetValueOrDefault("x-amz-content-sha256") is { } claimed && claimed != payload)
            return "x-amz-content-sha256 does not match the body";
        var signed = m.Groups["signed"].Value.Split(';');
        if (!signed.Contains("host") || !signed.Contains("x-amz-date"))
            return "host and x-amz-date must be signed";
        var canonicalHeaders = new StringBuilder();
        foreach (string h in signed)
        {
            string value = h == "host" ? host : r.Headers.GetValueOrDefault(h) ?? "";
            canonicalHeaders.Append(h).Append(':').Append(Regex.Replace(value.Trim(), " +", " ")).Append('\n');
        }
        string query = string.Join('&', r.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Contains('=') ? p : p + "=").Order(StringComparer.Ordinal));
        string canonical = $"{r.Method}\n{r.Path}\n{query}\n{canonicalHeaders}\n{m.Groups["signed"].Value}\n{payload}";
        var expected = AWS4Signer.ComputeSignature(accessKey, secretKey, region, signedAt, service,
            m.Groups["signed"].Value, canonical);
        return expected.Signature == m.Groups["sig"].Value ? null : "the signature does not match";
    }
}
