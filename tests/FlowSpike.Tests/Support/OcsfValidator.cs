using System.Text.Json;

namespace FlowSpike.Tests.Support;

/// <summary>
/// Checks an event against the OCSF 1.8.0 schema sources in tests/Fixtures/schemas/ocsf, compiled here the way the
/// schema server does it: classes and objects with their `extends` chains, attribute types from the dictionary. Reports
/// missing required attributes, unknown attributes, wrong JSON kinds, and unmet at_least_one constraints.
/// </summary>
public sealed class OcsfValidator
{
    private readonly string _root;
    private readonly JsonElement _dictionary;
    private readonly Dictionary<string, (Dictionary<string, JsonElement> Attributes, List<string[]> AtLeastOne)>
        _objects = [];

    public OcsfValidator()
    {
        _root = Path.Combine(Samples.Schemas, "ocsf");
        _dictionary = Load(Path.Combine(_root, "dictionary.json")).GetProperty("attributes");
    }

    private static JsonElement Load(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();

    /// <summary>The merged attribute definitions of an event class file (under events/) or an object (under
    /// objects/).</summary>
    private (Dictionary<string, JsonElement> Attributes, List<string[]> AtLeastOne) Definition(string file,
        bool isObject)
    {
        string key = (isObject ? "o:" : "c:") + file;
        if (_objects.TryGetValue(key, out var cached))
            return cached;
        string path = isObject ? Path.Combine(_root, "objects", file + ".json")
            : Path.Combine(_root, "events", file + ".json");
        var doc = Load(path);
        var attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var atLeastOne = new List<string[]>();
        if (doc.TryGetProperty("extends", out var extends) && extends.GetString() is { } parent && parent != "object")
        {
            string parentFile = isObject ? parent : parent == "base_event" ? "base_event"
                : Path.Combine(Path.GetDirectoryName(file) ?? "", parent);
            var (pa, pc) = Definition(parentFile, isObject);
            foreach (var (k, v) in pa)
                attributes[k] = v;
            atLeastOne.AddRange(pc);
        }
        foreach (var p in doc.GetProperty("attributes").EnumerateObject())
        {
            if (p.Name.StartsWith('$'))
                continue;
            // A child may refine a parent's attribute (requirement, enum); keep the parent's fields it does not
            // restate.
            attributes[p.Name] = p.Value;
        }
        if (doc.TryGetProperty("constraints", out var constraints)
            && constraints.TryGetProperty("at_least_one", out var one))
            atLeastOne.Add([.. one.EnumerateArray().Select(x => x.GetString()!)]);
        return _objects[key] = (attributes, atLeastOne);
    }

    public List<string> ValidateClass(JsonElement evt, string classFile)
    {
        var errors = new List<string>();
        Check(evt, Definition(classFile, isObject: false), "", errors);
        return errors;
    }

    private void Check(JsonElement value, (Dictionary<string, JsonElement> Attributes, List<string[]> AtLeastOne) def,
        string path, List<string> errors)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path}: expected an object");
            return;
        }
        foreach (var (name, attr) in def.Attributes)
        {
            if (attr.TryGetProperty("requirement", out var req) && req.GetString() == "required" &&
                (!value.TryGetProperty(name, out var present) || present.ValueKind == JsonValueKind.Null))
                errors.Add($"{path}{name}: required attribute missing");
        }
        foreach (var group in def.AtLeastOne)
        {
            if (!group.Any(g => value.TryGetProperty(g, out _)))
                errors.Add($"{path}: needs at least one of {string.Join(", ", group)}");
        }
        foreach (var p in value.EnumerateObject())
        {
            if (!def.Attributes.ContainsKey(p.Name))
            {
                errors.Add($"{path}{p.Name}: not an attribute here");
                continue;
            }
            if (!_dictionary.TryGetProperty(p.Name, out var dict))
            {
                errors.Add($"{path}{p.Name}: not in the dictionary");
                continue;
            }
            string type = def.Attributes[p.Name].TryGetProperty("type", out var t) ? t.GetString()!
                : dict.GetProperty("type").GetString()!;
            bool isArray = dict.TryGetProperty("is_array", out var arr) && arr.GetBoolean();
            if (isArray)
            {
                if (p.Value.ValueKind != JsonValueKind.Array)
                {
                    errors.Add($"{path}{p.Name}: expected an array");
                    continue;
                }
                int i = 0;
                foreach (var item in p.Value.EnumerateArray())
                    CheckValue(item, type, $"{path}{p.Name}[{i++}]", errors);
            }
            else
            {
                CheckValue(p.Value, type, $"{path}{p.Name}", errors);
            }
        }
    }

    private void CheckValue(JsonElement value, string type, string path, List<string> errors)
    {
        var kind = value.ValueKind;
        bool ok = type switch
        {
            "object" or "json_t" => true,
            "boolean_t" => kind is JsonValueKind.True or JsonValueKind.False,
            "integer_t" or "long_t" or "timestamp_t" or "port_t" => kind == JsonValueKind.Number
                && value.TryGetInt64(out _),
            "float_t" => kind == JsonValueKind.Number,
            _ when type.EndsWith("_t", StringComparison.Ordinal) => kind == JsonValueKind.String,
            _ => true,
        };
        if (!ok)
        {
            errors.Add($"{path}: {kind} is not a {type}");
            return;
        }
        if (!type.EndsWith("_t", StringComparison.Ordinal) && type != "object")
            Check(value, Definition(type, isObject: true), path + ".", errors);
    }
}
