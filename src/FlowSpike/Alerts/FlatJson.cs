using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FlowSpike.Alerts;

/// <summary>
/// A JSON object of string fields, in the order given, written without reflection (the Native AOT build has no
/// reflection serializer).
/// </summary>
internal static class FlatJson
{
    public static string Object(ReadOnlySpan<KeyValuePair<string, string>> fields, JavaScriptEncoder? encoder = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = encoder }))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in fields)
                writer.WriteString(name, value);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
