using System.Text.Json;
using FlowSpike.Alerts;
using FlowSpike.Delivery;

namespace FlowSpike.Runs;

/// <summary>
/// The optional JSON config file. Lists given on the command line are added to the file's; --internal on the
/// command line replaces the file's internal networks.
/// </summary>
internal sealed record FlowSpikeConfig
{
    public IReadOnlyList<string> Internal { get; init; } = [];
    public IReadOnlyList<string> AllowSrc { get; init; } = [];
    public IReadOnlyList<string> AllowDest { get; init; } = [];
    public string? LogFormat { get; init; }
    public IReadOnlyList<SinkSpec> Sinks { get; init; } = [];
    /// <summary>The "suppress" object: "window" (a duration) and "key" (src_ip or src_ip+resources).</summary>
    public IReadOnlyDictionary<string, string> Suppress { get; init; } = new Dictionary<string, string>();
    /// <summary>The "asff" object: "account", "region", "product_arn".</summary>
    public IReadOnlyDictionary<string, string> Asff { get; init; } = new Dictionary<string, string>();

    public static FlowSpikeConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunException($"{path}: cannot read the config file: {e.Message}");
        }
        try
        {
            using var doc = JsonDocument.Parse(text,
                new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new RunException($"{path}: the config must be a JSON object");
            var config = new FlowSpikeConfig();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                config = p.Name switch
                {
                    "internal" => config with { Internal = Strings(p, path) },
                    "allow_src" => config with { AllowSrc = Strings(p, path) },
                    "allow_dest" => config with { AllowDest = Strings(p, path) },
                    "log_format" when p.Value.ValueKind == JsonValueKind.String =>
                        config with { LogFormat = p.Value.GetString() },
                    "log_format" => throw new RunException($"{path}: \"log_format\" must be a string"),
                    "sinks" => config with { Sinks = SinkSpecs(p, path) },
                    "suppress" => config with { Suppress = Settings(p.Value, path, "suppress") },
                    "asff" => config with { Asff = AsffSettings(p.Value, path) },
                    _ => throw new RunException($"{path}: unknown key \"{p.Name}\" (known: internal, allow_src, " +
                        $"allow_dest, log_format, sinks, suppress, asff)"),
                };
            }
            return config;
        }
        catch (JsonException e)
        {
            throw new RunException($"{path}: invalid JSON at line {e.LineNumber + 1}: {e.Message}");
        }
    }

    private static List<SinkSpec> SinkSpecs(JsonProperty p, string path)
    {
        if (p.Value.ValueKind != JsonValueKind.Array)
            throw new RunException($"{path}: \"sinks\" must be an array of objects");
        var specs = new List<SinkSpec>();
        foreach (var item in p.Value.EnumerateArray())
        {
            var settings = Settings(item, path, "sinks[]");
            if (!settings.TryGetValue("type", out string? type))
                throw new RunException($"{path}: every sink needs a \"type\" (file, webhook, splunk_hec, securityhub)");
            specs.Add(new SinkSpec(type, settings));
        }
        return specs;
    }

    /// <summary>The "asff" object, checked: a finding with a malformed account is refused by Security Hub.</summary>
    private static Dictionary<string, string> AsffSettings(JsonElement value, string path)
    {
        var settings = Settings(value, path, "asff");
        foreach (var (key, v) in settings)
        {
            if (key is not ("account" or "region" or "product_arn"))
                throw new RunException($"{path}: unknown key \"asff.{key}\" (known: account, region, product_arn)");
            if (key == "account" && !AsffOptions.IsAccountId(v))
                throw new RunException($"{path}: \"asff.account\" must be a 12-digit AWS account id, not '{v}'");
        }
        return settings;
    }

    private static Dictionary<string, string> Settings(JsonElement value, string path, string what)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new RunException($"{path}: \"{what}\" must be an object");
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in value.EnumerateObject())
        {
            settings[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Number => p.Value.GetRawText(),
                _ => throw new RunException($"{path}: \"{what}.{p.Name}\" must be a string, number or boolean"),
            };
        }
        return settings;
    }

    private static string[] Strings(JsonProperty p, string path)
    {
        if (p.Value.ValueKind != JsonValueKind.Array || p.Value.EnumerateArray().Any(e =>
            e.ValueKind != JsonValueKind.String))
            throw new RunException($"{path}: \"{p.Name}\" must be an array of CIDR strings");
        return [.. p.Value.EnumerateArray().Select(e => e.GetString()!)];
    }
}
