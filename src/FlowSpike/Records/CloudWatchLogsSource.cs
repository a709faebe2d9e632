using System.Buffers;
using System.Text;
using System.Text.Json;
using FlowSpike.Aws;

namespace FlowSpike.Records;

/// <summary>
/// Reads a CloudWatch Logs group where flow logs are delivered: <c>cwl://LOG_GROUP[?stream-prefix=P]</c>, with
/// FilterLogEvents bounded to the requested range (with the delivery slack either side) and paginated by nextToken.
/// The events come out as the JSON of <c>aws logs filter-log-events</c>, which the JSON reader already reads, so the
/// records are parsed the same way as an export.
/// </summary>
internal static class CloudWatchLogsSource
{
    public const string Scheme = "cwl://";

    public static bool IsCloudWatch(string input) => input.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Settings for tests and embedders: endpoint, region and credentials; null uses the
    /// environment.</summary>
    public sealed record Settings
    {
        public string? Endpoint { get; init; }
        public string? Region { get; init; }
        public Func<AwsSigV4.Credentials>? Credentials { get; init; }
        public HttpClient? Http { get; init; }
        /// <summary>Events per page (FilterLogEvents allows 1 to 10,000).</summary>
        public int PageSize { get; init; } = 10_000;
    }

    /// <summary>The log group and stream prefix of a cwl:// input; the error names the input.</summary>
    public static (string Group, string? StreamPrefix) Parse(string input)
    {
        string rest = input[Scheme.Length..];
        string? prefix = null;
        int q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            foreach (string pair in rest[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                string key = eq < 0 ? pair : pair[..eq];
                if (key != "stream-prefix" || eq < 0)
                    throw new FlowInputException($"{input}: unknown parameter '{key}' (known: stream-prefix=PREFIX)");
                prefix = Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
            rest = rest[..q];
        }
        string group = Uri.UnescapeDataString(rest);
        if (group.Length == 0)
            throw new FlowInputException($"{input}: names no log group (cwl://LOG_GROUP[?stream-prefix=PREFIX])");
        return (group, prefix);
    }

    /// <summary>The group as one input whose stream pages through FilterLogEvents for [from, to).</summary>
    public static InputFile Input(string input, long? from, long? to, Settings? settings = null)
    {
        var (group, prefix) = Parse(input);
        settings ??= new Settings();
        string region = settings.Region ?? AwsEnvironment.Region
            ?? throw new FlowInputException($"{input}: no AWS region (set AWS_REGION)");
        string endpoint = settings.Endpoint ?? AwsEnvironment.EndpointFor("logs", null, m => new FlowInputException(m))
            ?? $"https://logs.{region}.amazonaws.com";
        long? start = from is { } f ? (f - InputSet.Slack) * 1000 : null;
        long? end = to is { } t ? (t + InputSet.Slack) * 1000 - 1 : null;
        return new InputFile(input, 0)
        {
            Identity = $"cwl://{group}?stream-prefix={prefix}&from={start}&to={end}",
            OpenRemote = () => new EventStream(new Uri(endpoint), region, group, prefix, start, end, settings),
        };
    }

    /// <summary>The pages of FilterLogEvents as one JSON document: {"events":[...]}; fetched as it is read.</summary>
    private sealed class EventStream(Uri endpoint, string region, string group, string? prefix, long? start, long? end,
        Settings settings) : ReadOnlyStream
    {
        private static readonly HttpClient DefaultHttp = new() { Timeout = TimeSpan.FromSeconds(60) };
        private readonly MemoryStream _buffer = new();
        private string? _next;
        private bool _started, _done, _first = true;
        private AwsSigV4.Credentials? _credentials;

        public override int Read(Span<byte> destination)
        {
            while (_buffer.Position == _buffer.Length && !_done)
                Fill();
            return _buffer.Read(destination);
        }

        private void Fill()
        {
            _buffer.SetLength(0);
            var text = new StringBuilder();
            if (!_started)
            {
                text.Append("{\"events\":[");
                _started = true;
            }
            using var page = JsonDocument.Parse(Call());
            if (page.RootElement.TryGetProperty("events", out var events))
            {
                foreach (var e in events.EnumerateArray())
                {
                    if (!_first)
                        text.Append(',');
                    _first = false;
                    text.Append(e.GetRawText());
                }
            }
            _next = page.RootElement.TryGetProperty("nextToken", out var token) ? token.GetString() : null;
            if (_next is null)
            {
                text.Append("]}");
                _done = true;
            }
            _buffer.Write(Encoding.UTF8.GetBytes(text.ToString()));
            _buffer.Position = 0;
        }

        private string Call()
        {
            var body = new ArrayBufferWriter<byte>(256);
            using (var json = new Utf8JsonWriter(body))
            {
                json.WriteStartObject();
                json.WriteString("logGroupName", group);
                json.WriteNumber("limit", settings.PageSize);
                if (prefix is not null)
                    json.WriteString("logStreamNamePrefix", prefix);
                if (start is { } s)
                    json.WriteNumber("startTime", s);
                if (end is { } e)
                    json.WriteNumber("endTime", e);
                if (_next is not null)
                    json.WriteString("nextToken", _next);
                json.WriteEndObject();
            }
            byte[] bytes = body.WrittenSpan.ToArray();
            for (int attempt = 1; ; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
                {
                    Content = new ByteArrayContent(bytes),
                };
                request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
                request.Headers.TryAddWithoutValidation("X-Amz-Target", "Logs_20140328.FilterLogEvents");
                AwsSigV4.Sign(request, bytes, Credentials(), region, "logs", DateTimeOffset.UtcNow);
                HttpResponseMessage response;
                try
                {
                    response = (settings.Http ?? DefaultHttp).Send(request);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    if (attempt < 4)
                    {
                        Thread.Sleep(TimeSpan.FromMilliseconds(250 << attempt));
                        continue;
                    }
                    throw new FlowInputException($"cwl://{group}: FilterLogEvents failed ({ex.Message})", ex);
                }
                using (response)
                {
                    string answer = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                    if (response.IsSuccessStatusCode)
                        return answer;
                    int status = (int)response.StatusCode;
                    // Throttling and server errors heal; the rest (no such group, access denied) is the user's to fix.
                    if ((status is 429 or >= 500 || answer.Contains("ThrottlingException",
                        StringComparison.Ordinal)) && attempt < 4)
                    {
                        Thread.Sleep(TimeSpan.FromMilliseconds(250 << attempt));
                        continue;
                    }
                    throw new FlowInputException($"cwl://{group}: FilterLogEvents answered HTTP {status}: " +
                        $"{ErrorOf(answer)}");
                }
            }
        }

        private AwsSigV4.Credentials Credentials()
        {
            if (_credentials is not null)
                return _credentials;
            try
            {
                return _credentials = (settings.Credentials ?? AwsEnvironment.Credentials)();
            }
            catch (Amazon.Runtime.AmazonClientException ex)
            {
                throw new FlowInputException($"cwl://{group}: {AwsError.OneLine(ex)}", ex);
            }
        }

        private static string ErrorOf(string answer)
        {
            try
            {
                using var doc = JsonDocument.Parse(answer);
                string type = doc.RootElement.TryGetProperty("__type", out var t) ? t.GetString() ?? "" : "";
                string message = doc.RootElement.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
                return $"{type.Split('#')[^1]} {message}".Trim();
            }
            catch (JsonException)
            {
                return answer.Length > 200 ? answer[..200] : answer;
            }
        }
    }
}
