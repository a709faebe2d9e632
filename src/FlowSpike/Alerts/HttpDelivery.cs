using System.Net.Http.Headers;
using System.Text;

namespace FlowSpike.Alerts;

/// <summary>POSTs with retries and exponential backoff; gives up with a <see cref="SinkException"/> so the alerts stay in the outbox.</summary>
public sealed class HttpDelivery(HttpClient client, int attempts = 4, TimeSpan? firstDelay = null)
{
    private readonly TimeSpan _firstDelay = firstDelay ?? TimeSpan.FromSeconds(1);

    public void Post(Uri url, string body, string contentType, IReadOnlyDictionary<string, string>? headers = null)
    {
        Exception? last = null;
        var delay = _firstDelay;
        for (int attempt = 1; attempt <= Math.Max(1, attempts); attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
                foreach (var (k, v) in headers ?? new Dictionary<string, string>())
                    request.Headers.TryAddWithoutValidation(k, v);
                using var response = client.Send(request);
                if (response.IsSuccessStatusCode)
                    return;
                last = new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                // A client error other than throttling will not heal by retrying.
                if ((int)response.StatusCode is >= 400 and < 500 and not 408 and not 429)
                    break;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                last = e;
            }
            if (attempt < attempts)
            {
                Thread.Sleep(delay);
                delay *= 2;
            }
        }
        throw new SinkException($"{url}: {last?.Message}", last);
    }
}
