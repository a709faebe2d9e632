namespace FlowSpike.Delivery;

/// <summary>
/// One delivery target from the config file: type file (path, format), webhook (url, slack), splunk_hec (url, token,
/// sourcetype, index) or securityhub (region and endpoint for the API, or dir for request files).
/// </summary>
internal sealed record SinkSpec(string Type, IReadOnlyDictionary<string, string> Settings)
{
    public string? Get(string key) => Settings.GetValueOrDefault(key);

    public string Require(string key) => Get(key) ?? throw new ArgumentException($"sink \"{Type}\" needs \"{key}\"");
}
