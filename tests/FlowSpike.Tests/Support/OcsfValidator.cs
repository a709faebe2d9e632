using System.Globalization;
using System.Net;
using System.Text.Json;

namespace FlowSpike.Tests.Support;

/// <summary>
/// Checks an event against tests/Fixtures/ocsf/detection-finding-1.8.0.json, this project's description of OCSF
/// 1.8.0's Detection Finding (class 2004) and the objects FlowSpike writes (docs/ocsf.md). Reports missing required
/// attributes, attributes the description does not list, wrong JSON kinds, unmet at_least_one constraints, values
/// outside an enumeration, and a caption that does not match its id.
/// </summary>
public sealed class OcsfValidator
{
    public static string DescriptionPath => Path.Combine(Samples.Fixtures, "ocsf", "detection-finding-1.8.0.json");

    private readonly JsonElement _objects;
    private readonly string _event;

    public OcsfValidator()
    {
        var root = JsonDocument.Parse(File.ReadAllText(DescriptionPath)).RootElement.Clone();
        _objects = root.GetProperty("objects");
        _event = root.GetProperty("event").GetString()!;
        Version = root.GetProperty("ocsf_version").GetString()!;
    }

    /// <summary>The OCSF version the description follows.</summary>
    public string Version { get; }

    public List<string> Validate(JsonElement evt)
    {
        var errors = new List<string>();
        CheckObject(evt, _event, "", errors);
        return errors;
    }

    private void CheckObject(JsonElement value, string objectName, string path, List<string> errors)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path}: expected an object ({objectName})");
            return;
        }
        var definition = _objects.GetProperty(objectName);
        var attributes = definition.GetProperty("attributes");
        foreach (var a in attributes.EnumerateObject())
        {
            if (a.Value.GetProperty("requirement").GetString() == "required"
                && (!value.TryGetProperty(a.Name, out var present) || present.ValueKind == JsonValueKind.Null))
                errors.Add($"{path}{a.Name}: required attribute missing");
        }
        if (definition.TryGetProperty("at_least_one", out var groups))
        {
            foreach (var group in groups.EnumerateArray())
            {
                var names = group.EnumerateArray().Select(n => n.GetString()!).ToList();
                if (!names.Any(n => value.TryGetProperty(n, out _)))
                    errors.Add($"{path}: needs at least one of {string.Join(", ", names)}");
            }
        }
        foreach (var p in value.EnumerateObject())
        {
            if (!attributes.TryGetProperty(p.Name, out var attr))
            {
                errors.Add($"{path}{p.Name}: not an attribute here ({objectName})");
                continue;
            }
            string type = attr.GetProperty("type").GetString()!;
            if (attr.TryGetProperty("list", out var list) && list.GetBoolean())
            {
                if (p.Value.ValueKind != JsonValueKind.Array)
                {
                    errors.Add($"{path}{p.Name}: expected an array");
                    continue;
                }
                int i = 0;
                foreach (var item in p.Value.EnumerateArray())
                    CheckValue(item, type, $"{path}{p.Name}[{i++}]", errors);
                continue;
            }
            if (CheckValue(p.Value, type, path + p.Name, errors) && attr.TryGetProperty("values", out var values))
                CheckEnum(value, p, attr, values, path, errors);
        }
    }

    /// <summary>An enumerated id must be listed; its label, when present, must be the id's caption (any text for
    /// 99 Other, which the label then explains).</summary>
    private static void CheckEnum(JsonElement owner, JsonProperty id, JsonElement attr, JsonElement values,
        string path, List<string> errors)
    {
        string key = id.Value.GetInt64().ToString(CultureInfo.InvariantCulture);
        if (!values.TryGetProperty(key, out var caption))
        {
            errors.Add($"{path}{id.Name}: {key} is not one of its values");
            return;
        }
        if (key != "99" && attr.TryGetProperty("label", out var label)
            && owner.TryGetProperty(label.GetString()!, out var text) && text.ValueKind == JsonValueKind.String
            && text.GetString() != caption.GetString())
            errors.Add($"{path}{label.GetString()}: '{text.GetString()}' is not the caption of {id.Name} {key}, "
                + $"'{caption.GetString()}'");
    }

    /// <summary>Whether the value has the type's JSON kind (objects are checked recursively).</summary>
    private bool CheckValue(JsonElement value, string type, string path, List<string> errors)
    {
        var kind = value.ValueKind;
        bool ok = type switch
        {
            "json" => true,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "integer" => kind == JsonValueKind.Number && value.TryGetInt32(out _),
            "long" or "timestamp" => kind == JsonValueKind.Number && value.TryGetInt64(out _),
            "string" => kind == JsonValueKind.String,
            "ip" => kind == JsonValueKind.String && IPAddress.TryParse(value.GetString(), out _),
            _ => true,
        };
        if (!ok)
        {
            errors.Add($"{path}: {kind} is not of type {type}");
            return false;
        }
        if (_objects.TryGetProperty(type, out _))
            CheckObject(value, type, path + ".", errors);
        return true;
    }
}
