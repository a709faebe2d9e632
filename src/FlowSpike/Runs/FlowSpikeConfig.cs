using System.Text.Json;

namespace FlowSpike.Runs;

/// <summary>
/// The optional JSON config file. Lists given on the command line are added to the file's; --internal on the
/// command line replaces the file's internal networks.
/// </summary>
public sealed record FlowSpikeConfig
{
    public IReadOnlyList<string> Internal { get; init; } = [];
    public IReadOnlyList<string> AllowSrc { get; init; } = [];
    public IReadOnlyList<string> AllowDest { get; init; } = [];
    public string? LogFormat { get; init; }

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
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
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
                    "log_format" when p.Value.ValueKind == JsonValueKind.String => config with { LogFormat = p.Value.GetString() },
                    "log_format" => throw new RunException($"{path}: \"log_format\" must be a string"),
                    _ => throw new RunException($"{path}: unknown key \"{p.Name}\" (known: internal, allow_src, allow_dest, log_format)"),
                };
            }
            return config;
        }
        catch (JsonException e)
        {
            throw new RunException($"{path}: invalid JSON at line {e.LineNumber + 1}: {e.Message}");
        }
    }

    private static string[] Strings(JsonProperty p, string path)
    {
        if (p.Value.ValueKind != JsonValueKind.Array || p.Value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            throw new RunException($"{path}: \"{p.Name}\" must be an array of CIDR strings");
        return [.. p.Value.EnumerateArray().Select(e => e.GetString()!)];
    }
}
