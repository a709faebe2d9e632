using System.Text.Json;

namespace FlowSpike.Records;

/// <summary>
/// Flow log records carried in JSON: `aws logs filter-log-events` / `get-log-events` output, CloudWatch Logs
/// subscription payloads (DATA_MESSAGE; CONTROL_MESSAGE is ignored), and Firehose objects, newline-separated or
/// concatenated. Every string property named "message" is one record in the layout given by --log-format (there is
/// no header in these containers), or, when it is a JSON object, an OCSF Network Activity event that CloudWatch Logs'
/// parseToOCSF transformer wrote (<see cref="OcsfJsonRecord"/>). Streams with bounded memory; records are numbered in
/// order for error reports.
/// </summary>
internal static class JsonFlowReader
{
    private const int MaxTokenBytes = 64 << 20;
    private static readonly byte[] ControlPrefix = "CWL CONTROL MESSAGE"u8.ToArray();

    public static void Read<THandler>(
        Stream stream, string source, FlowLayout layout, ref THandler handler, TokenizerMode mode, byte[] lineBuffer)
        where THandler : struct, IRecordHandler
    {
        handler.BeginSource(source, layout, 1);
        var state = new JsonReaderState(
            new JsonReaderOptions { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip });
        byte[] json = new byte[1 << 16];
        int filled = 0, lines = 0;
        long recordNumber = 0, consumedTotal = 0;
        bool control = false, container = false;
        var property = Property.Other;
        while (true)
        {
            int n = TextFlowReader.ReadSome(stream, source, json, filled);
            bool eof = n == 0;
            filled += n;
            if (consumedTotal == 0 && filled >= 3 && TextFlowReader.BomLength(json) == 3)
            {
                // A UTF-8 byte order mark is no JSON token.
                json.AsSpan(3, filled - 3).CopyTo(json);
                filled -= 3;
            }
            var reader = new Utf8JsonReader(json.AsSpan(0, filled), eof, state);
            try
            {
                while (reader.Read())
                {
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.StartObject when reader.CurrentDepth == 0:
                            control = false;
                            break;
                        case JsonTokenType.PropertyName:
                            property = reader.ValueTextEquals("message"u8) ? Property.Message
                                : reader.CurrentDepth == 1 && reader.ValueTextEquals("messageType"u8)
                                    ? Property.MessageType
                                : Property.Other;
                            container |= property != Property.Other || reader.ValueTextEquals("logEvents"u8)
                                || reader.ValueTextEquals("events"u8);
                            continue;
                        case JsonTokenType.String when property == Property.MessageType:
                            control = reader.ValueTextEquals("CONTROL_MESSAGE"u8);
                            break;
                        case JsonTokenType.String when property == Property.Message && !control:
                            int length = reader.HasValueSequence
                                ? (int)reader.ValueSequence.Length
                                : reader.ValueSpan.Length;
                            if (lines + length + 1 > lineBuffer.Length)
                            {
                                Flush(lineBuffer, ref lines, ref handler, mode);
                                if (length + 1 > lineBuffer.Length)
                                {
                                    handler.OnOverlongLine(++recordNumber);
                                    break;
                                }
                            }
                            int written = reader.CopyString(lineBuffer.AsSpan(lines));
                            var message = lineBuffer.AsSpan(lines, written);
                            if (message.StartsWith(ControlPrefix))
                                break;
                            recordNumber++;
                            if (OcsfJsonRecord.IsJsonObject(message))
                            {
                                // parseToOCSF's event: the text records before it go first, to keep the order.
                                if (lines > 0)
                                    LineTokenizer.Tokenize(lineBuffer.AsSpan(0, lines), ref handler, mode);
                                lines = 0;
                                OcsfJsonRecord.Read(message, ref handler);
                                break;
                            }
                            lines += written;
                            lineBuffer[lines++] = (byte)'\n';
                            break;
                    }
                    property = Property.Other;
                }
            }
            catch (JsonException e)
            {
                throw new FlowInputException(
                    $"{source}: invalid JSON near byte {consumedTotal + reader.BytesConsumed}: {e.Message}", e);
            }
            catch (InvalidOperationException e)
            {
                // Invalid UTF-8 inside a string value.
                throw new FlowInputException(
                    $"{source}: invalid text in JSON near byte {consumedTotal + reader.BytesConsumed}: {e.Message}", e);
            }
            state = reader.CurrentState;
            int consumed = (int)reader.BytesConsumed;
            consumedTotal += consumed;
            json.AsSpan(consumed, filled - consumed).CopyTo(json);
            filled -= consumed;
            if (eof)
            {
                if (filled > 0 || reader.CurrentDepth > 0)
                    throw new FlowInputException($"{source}: JSON ends in the middle of a value (truncated?)");
                break;
            }
            if (consumed == 0 && filled == json.Length)
            {
                // One token (a long string) does not fit: grow, within reason.
                if (json.Length >= MaxTokenBytes)
                {
                    throw new FlowInputException(
                        $"{source}: a JSON value near byte {consumedTotal} is larger than {MaxTokenBytes >> 20} MB");
                }
                Array.Resize(ref json, json.Length * 2);
            }
        }
        Flush(lineBuffer, ref lines, ref handler, mode);
        // JSON of another kind, even beside flow logs, is not a flow log: an empty container ({"events":[]}) is.
        if (!container)
        {
            throw new FlowInputException($"{source}: not a flow log: it looks like JSON that holds no CloudWatch "
                + "Logs events (no \"message\", \"logEvents\" or \"events\" field)", unsupported: true,
                reason: SkipReason.OtherFormat);
        }
    }

    private enum Property
    {
        Other,
        Message,
        MessageType,
    }

    private static void Flush<THandler>(byte[] buffer, ref int length, ref THandler handler, TokenizerMode mode)
        where THandler : struct, IRecordHandler
    {
        if (length == 0)
            return;
        LineTokenizer.Tokenize(buffer.AsSpan(0, length), ref handler, mode);
        length = 0;
    }
}
