using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowSpike.Selection;

/// <summary>A <see cref="CidrSet"/> in JSON: the array of its networks, parsed back on reading.</summary>
internal sealed class CidrSetJsonConverter : JsonConverter<CidrSet>
{
    public override CidrSet Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException("expected an array of networks");
        var networks = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            networks.Add(reader.GetString() ?? throw new JsonException("a network is null"));
        try
        {
            return CidrSet.Parse(networks);
        }
        catch (FormatException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, CidrSet value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (string network in value.ToStrings())
            writer.WriteStringValue(network);
        writer.WriteEndArray();
    }
}
