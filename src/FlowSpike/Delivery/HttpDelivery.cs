using System.Net.Http.Headers;
using System.Text;
using Polly;
using Polly.Retry;

namespace FlowSpike.Delivery;

/// <summary>
/// POSTs with retries and exponential backoff (a Polly pipeline). An outage ends in a <see cref="SinkException"/>; a
/// refusal of the request itself in a <see cref="SinkRejectedException"/>. Messages never quote the URL, which may
/// hold a token.
/// </summary>
internal sealed class HttpDelivery
{
    private readonly HttpClient _client;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public HttpDelivery(HttpClient client, int attempts = 4, TimeSpan? firstDelay = null)
    {
        _client = client;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (attempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = attempts - 1,
                Delay = firstDelay ?? TimeSpan.FromSeconds(1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TaskCanceledException>()
                    .Handle<IOException>()
                    .HandleResult(r => IsTransient((int)r.StatusCode)),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }
        _pipeline = builder.Build();
    }

    /// <summary>5xx, 408 and 429 may heal on their own; every other answer is final.</summary>
    private static bool IsTransient(int status) => status is >= 500 or 408 or 429;

    /// <summary>POSTs and returns the response body. <paramref name="sign"/> signs each attempt afresh.</summary>
    public string Post(Uri url, string body, string contentType, IReadOnlyDictionary<string, string>? headers = null,
        Action<HttpRequestMessage, byte[]>? sign = null)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        HttpResponseMessage response;
        try
        {
            response = _pipeline.Execute(() =>
            {
                using var request =
                    new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(bytes) };
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
                foreach (var (k, v) in headers ?? new Dictionary<string, string>())
                    request.Headers.TryAddWithoutValidation(k, v);
                sign?.Invoke(request, bytes);
                return _client.Send(request);
            });
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            throw new SinkException(State.SinkName.Scrub(e.Message, url, "the URL"), e);
        }
        using (response)
        {
            string text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            if (response.IsSuccessStatusCode)
                return text;
            int status = (int)response.StatusCode;
            string reason = $"HTTP {status} {response.ReasonPhrase}";
            if (status is 400 or 413 or 415 or 422)
                throw new SinkRejectedException(reason + Detail(text));
            // Other client errors (401, 403, 404) are the sink's configuration: the sink is down until it is fixed.
            throw new SinkException(reason + Detail(text));
        }
    }

    /// <summary>The first line of an error body, short: AWS APIs put the error code there.</summary>
    private static string Detail(string body)
    {
        string line = body.Split('\n', 2)[0].Trim();
        return line.Length == 0 ? "" : ": " + (line.Length > 200 ? line[..200] + "…" : line);
    }
}
