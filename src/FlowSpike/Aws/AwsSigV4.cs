using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FlowSpike.Aws;

/// <summary>
/// Signature Version 4 for the AWS JSON APIs FlowSpike calls with plain HTTP (Security Hub, CloudWatch Logs), whose
/// SDK packages this project does not take. Signs host, x-amz-date, x-amz-content-sha256, any x-amz-target and the
/// session token, as AWS documents.
/// </summary>
internal static class AwsSigV4
{
    public sealed record Credentials(string AccessKey, string SecretKey, string? SessionToken = null);

    /// <summary>Adds x-amz-date, x-amz-content-sha256, the session token and Authorization to the request.</summary>
    public static void Sign(HttpRequestMessage request, byte[] body, Credentials credentials, string region,
        string service, DateTimeOffset now)
    {
        string amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string date = amzDate[..8];
        string payloadHash = Hex(SHA256.HashData(body));
        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", payloadHash);
        if (credentials.SessionToken is { Length: > 0 } token)
            request.Headers.TryAddWithoutValidation("x-amz-security-token", token);
        var uri = request.RequestUri!;
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}",
        };
        foreach (var (name, values) in request.Headers)
        {
            string lower = name.ToLowerInvariant();
            if (lower.StartsWith("x-amz-", StringComparison.Ordinal))
                headers[lower] = string.Join(',', values).Trim();
        }
        if (request.Content?.Headers.ContentType is { } type)
            headers["content-type"] = type.ToString();
        string signedHeaders = string.Join(';', headers.Keys);
        string canonical = string.Join('\n',
            request.Method.Method,
            CanonicalPath(uri),
            CanonicalQuery(uri),
            string.Concat(headers.Select(h => $"{h.Key}:{h.Value}\n")),
            signedHeaders,
            payloadHash);
        string scope = $"{date}/{region}/{service}/aws4_request";
        string toSign =
            $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        byte[] key = Hmac(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        string signature = Hex(Hmac(key, toSign));
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={credentials.AccessKey}/{scope}, SignedHeaders={signedHeaders}, "
                + $"Signature={signature}");
    }

    private static string CanonicalPath(Uri uri)
    {
        string path = uri.AbsolutePath.Length == 0 ? "/" : uri.AbsolutePath;
        return string.Join('/', path.Split('/').Select(s => Uri.EscapeDataString(Uri.UnescapeDataString(s))));
    }

    private static string CanonicalQuery(Uri uri)
    {
        if (uri.Query.Length <= 1)
            return "";
        var pairs = uri.Query[1..].Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p =>
        {
            int eq = p.IndexOf('=', StringComparison.Ordinal);
            string k = Uri.UnescapeDataString(eq < 0 ? p : p[..eq]), v = eq < 0 ? ""
                : Uri.UnescapeDataString(p[(eq + 1)..]);
            return (K: Uri.EscapeDataString(k), V: Uri.EscapeDataString(v));
        }).OrderBy(p => p.K, StringComparer.Ordinal).ThenBy(p => p.V, StringComparer.Ordinal);
        return string.Join('&', pairs.Select(p => $"{p.K}={p.V}"));
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
