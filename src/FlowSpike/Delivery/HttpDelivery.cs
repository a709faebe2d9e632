using System.Net.Http.Headers;
using System.Text;

namespace FlowSpike.Delivery;

/// <summary>
/// POSTs with retries and exponential backoff. An outage ends in a <see cref="SinkException"/>; a refusal of the
/// request itself in a <see cref="SinkRejectedException"/>. Messages never quote the URL, which may hold a token.
/// </summary>
public sealed class HttpDelivery(HttpClient client, int attempts = 4, TimeSpan? firstDelay = null)
{
    private readonly TimeSpan _firstDelay = firstDelay ?? TimeSpan.FromSeconds(1);

    public void Post(Uri url, string body, string contentType, IReadOnlyDictionary<string, string>? headers = null)
    {
        string? last = null;
        var delay = _firstDelay;
        for (int attempt = 1; attempt <= Math.Max(1, attempts); attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new StringContent(body, Encoding.UTF8),
                };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
                foreach (var (k, v) in headers ?? new Dictionary<string, string>())
                    request.Headers.TryAddWithoutValidation(k, v);
                using var response = client.Send(request);
                if (response.IsSuccessStatusCode)
                    return;
                int status = (int)response.StatusCode;
                last = $"HTTP {status} {response.ReasonPhrase}";
                if (status is 400 or 413 or 415 or 422)
                    throw new SinkRejectedException(last);
                // Other client errors (401, 403, 404) are the sink's configuration: retrying at once will not help.
                if (status is >= 400 and < 500 and not 408 and not 429)
                    break;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                last = Scrub(e.Message, url);
            }
            if (attempt < attempts)
            {
                Thread.Sleep(delay);
                delay *= 2;
            }
        }
        throw new SinkException(last ?? "no response");
    }

    private static string Scrub(string message, Uri url) => State.SinkName.Scrub(message, url, "the URL");
}
