using System.Text.Json;

namespace FlowSpike.Tests.Support;

/// <summary>
/// An AWS service's official API model (botocore's service-2.json), used by the loopback servers to check every
/// request FlowSpike sends: the operation, and the body against the input shape, recursively (required members,
/// unknown members, types, list and string lengths, enums, number ranges).
/// </summary>
public sealed class ApiModel
{
    private readonly JsonElement _shapes;
    private readonly JsonElement _operations;

    public ApiModel(string path)
    {
        Root = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        _shapes = Root.GetProperty("shapes");
        _operations = Root.GetProperty("operations");
    }

    public JsonElement Root { get; }

    public string TargetPrefix => Root.GetProperty("metadata").GetProperty("targetPrefix").GetString()!;

    /// <summary>The operation a rest-json request is for, by method and path; null when none matches.</summary>
    public string? RestOperation(string method, string path)
    {
        foreach (var op in _operations.EnumerateObject())
        {
            var http = op.Value.GetProperty("http");
            if (http.GetProperty("method").GetString() == method && http.GetProperty("requestUri").GetString() == path)
                return op.Name;
        }
        return null;
    }

    /// <summary>Every way <paramref name="body"/> breaks the input shape of <paramref name="operation"/>.</summary>
    public List<string> CheckInput(string operation, string body)
    {
        var problems = new List<string>();
        if (!_operations.TryGetProperty(operation, out var op))
        {
            problems.Add($"unknown operation {operation}");
            return problems;
        }
        using var doc = JsonDocument.Parse(body);
        Check(op.GetProperty("input").GetProperty("shape").GetString()!, doc.RootElement, "$", problems);
        return problems;
    }

    private void Check(string shapeName, JsonElement value, string at, List<string> problems)
    {
        var shape = _shapes.GetProperty(shapeName);
        string type = shape.GetProperty("type").GetString()!;
        switch (type)
        {
            case "structure":
                if (value.ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"{at}: {shapeName} must be an object");
                    return;
                }
                var members = shape.GetProperty("members");
                if (shape.TryGetProperty("required", out var required))
                {
                    foreach (var r in required.EnumerateArray())
                    {
                        if (!value.TryGetProperty(r.GetString()!, out _))
                            problems.Add($"{at}: missing required {r.GetString()}");
                    }
                }
                foreach (var p in value.EnumerateObject())
                {
                    if (!members.TryGetProperty(p.Name, out var member))
                        problems.Add($"{at}: {shapeName} has no member {p.Name}");
                    else
                        Check(member.GetProperty("shape").GetString()!, p.Value, $"{at}.{p.Name}", problems);
                }
                break;
            case "list":
                if (value.ValueKind != JsonValueKind.Array)
                {
                    problems.Add($"{at}: {shapeName} must be a list");
                    return;
                }
                Range(shape, value.GetArrayLength(), at, "items", problems);
                int i = 0;
                foreach (var item in value.EnumerateArray())
                    Check(shape.GetProperty("member").GetProperty("shape").GetString()!, item, $"{at}[{i++}]",
                        problems);
                break;
            case "map":
                if (value.ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"{at}: {shapeName} must be a map");
                    return;
                }
                foreach (var p in value.EnumerateObject())
                    Check(shape.GetProperty("value").GetProperty("shape").GetString()!, p.Value, $"{at}.{p.Name}",
                        problems);
                break;
            case "string":
                if (value.ValueKind != JsonValueKind.String)
                {
                    problems.Add($"{at}: {shapeName} must be a string");
                    return;
                }
                string s = value.GetString()!;
                Range(shape, s.Length, at, "characters", problems);
                if (shape.TryGetProperty("enum", out var values)
                    && !values.EnumerateArray().Any(v => v.GetString() == s))
                    problems.Add($"{at}: '{s}' is not one of {shapeName}'s values");
                break;
            case "integer" or "long":
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long n))
                {
                    problems.Add($"{at}: {shapeName} must be an integer");
                    return;
                }
                Range(shape, n, at, "", problems);
                break;
            case "double" or "float":
                if (value.ValueKind != JsonValueKind.Number)
                    problems.Add($"{at}: {shapeName} must be a number");
                break;
            case "boolean":
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    problems.Add($"{at}: {shapeName} must be a boolean");
                break;
            case "timestamp":
                if (value.ValueKind is not (JsonValueKind.Number or JsonValueKind.String))
                    problems.Add($"{at}: {shapeName} must be a timestamp");
                break;
            default:
                problems.Add($"{at}: shape type {type} is not checked here");
                break;
        }
    }

    private static void Range(JsonElement shape, long n, string at, string unit, List<string> problems)
    {
        if (shape.TryGetProperty("min", out var min) && n < min.GetInt64())
            problems.Add($"{at}: {n} {unit} is below the minimum {min.GetInt64()}");
        if (shape.TryGetProperty("max", out var max) && n > max.GetInt64())
            problems.Add($"{at}: {n} {unit} is above the maximum {max.GetInt64()}");
    }
}
