using System.Text.Json;

namespace FlowSpike.Records;

/// <summary>
/// One OCSF Network Activity event as JSON, as CloudWatch Logs' parseToOCSF transformer writes a flow log record into a
/// log event's message (OCSF 1.1 and 1.5 lay the attributes out alike), read into a flow record with the mapping every
/// OCSF reader shares (<see cref="OcsfFlowFields"/>). Walks the tokens once, with the values on the stack.
/// </summary>
internal static class OcsfJsonRecord
{
    private const int MaxDepth = 8;
    private const int MaxName = 40;

    /// <summary>True when a message is a JSON object rather than a space-separated record.</summary>
    public static bool IsJsonObject(ReadOnlySpan<byte> message)
    {
        int first = message.IndexOfAnyExcept(" \t\r\n"u8);
        return first >= 0 && message[first] == (byte)'{';
    }

    /// <summary>Gives the handler the event's record, or tells it why the event is not one.</summary>
    public static void Read<THandler>(ReadOnlySpan<byte> json, ref THandler handler)
        where THandler : struct, IRecordHandler
    {
        Span<byte> path = stackalloc byte[MaxDepth * (MaxName + 1)];
        Span<int> ends = stackalloc int[MaxDepth + 1];
        Span<byte> src = stackalloc byte[64], dst = stackalloc byte[64], iface = stackalloc byte[128],
            iface2 = stackalloc byte[128], account = stackalloc byte[32], vpc = stackalloc byte[64],
            disposition = stackalloc byte[16];
        int s = -1, t = -1, f = -1, f2 = -1, acct = -1, vp = -1, d = -1;
        int startRank = int.MaxValue, accountRank = int.MaxValue;
        long? start = null, dispositionId = null, activityId = null, actionId = null, classUid = null;
        int pathLength = 0, propertyDepth = -1;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            while (reader.Read())
            {
                int depth = reader.CurrentDepth;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        propertyDepth = depth;
                        if (depth > MaxDepth)
                        {
                            pathLength = -1;
                            break;
                        }
                        pathLength = depth <= 1 ? 0 : ends[depth - 1];
                        if (depth > 1)
                            path[pathLength++] = (byte)'.';
                        if (reader.ValueSpan.Length > MaxName)
                            path[pathLength++] = (byte)'#'; // a name no mapped path has
                        else
                            pathLength += reader.CopyString(path[pathLength..]);
                        ends[depth] = pathLength;
                        break;
                    case JsonTokenType.String when depth == propertyDepth && pathLength > 0:
                        var at = path[..pathLength];
                        if (Is(at, OcsfFlowFields.SrcIp))
                            s = Copy(ref reader, src);
                        else if (Is(at, OcsfFlowFields.DstIp))
                            t = Copy(ref reader, dst);
                        else if (Is(at, OcsfFlowFields.Interface))
                            f = Copy(ref reader, iface);
                        else if (Is(at, OcsfFlowFields.Interface2))
                            f2 = Copy(ref reader, iface2);
                        else if (Is(at, OcsfFlowFields.Vpc))
                            vp = Copy(ref reader, vpc);
                        else if (Is(at, OcsfFlowFields.Disposition))
                            d = Copy(ref reader, disposition);
                        else if (Rank(at, OcsfFlowFields.Account) is var r && r < accountRank)
                        {
                            accountRank = r;
                            acct = Copy(ref reader, account);
                        }
                        break;
                    case JsonTokenType.Number when depth == propertyDepth && pathLength > 0 && depth == 1:
                        var name = path[..pathLength];
                        long? value = reader.TryGetInt64(out long v) ? v : null;
                        if (Is(name, OcsfFlowFields.ClassUid))
                            classUid = value;
                        else if (Is(name, OcsfFlowFields.DispositionId))
                            dispositionId = value;
                        else if (Is(name, OcsfFlowFields.ActivityId))
                            activityId = value;
                        else if (Is(name, OcsfFlowFields.ActionId))
                            actionId = value;
                        else if (Rank(name, OcsfFlowFields.Start) is var sr && sr < startRank && value is not null)
                        {
                            startRank = sr;
                            start = value;
                        }
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            handler.OnMalformedRecord($"message is not valid JSON ({e.Message})");
            return;
        }
        if (classUid is { } c && c != OcsfFlowFields.NetworkActivityClass)
        {
            handler.OnMalformedRecord(
                $"OCSF class_uid {c} is not Network Activity ({OcsfFlowFields.NetworkActivityClass})");
            return;
        }
        if (s < 0 || t < 0)
        {
            handler.OnMalformedRecord($"OCSF event without {(s < 0 ? OcsfFlowFields.SrcIp : OcsfFlowFields.DstIp)}");
            return;
        }
        if (d < 0 && dispositionId is null && activityId is null && actionId is null)
        {
            handler.OnMalformedRecord("OCSF event without disposition, disposition_id, activity_id or action_id");
            return;
        }
        bool reject = OcsfFlowFields.IsReject(disposition[..Math.Max(d, 0)], dispositionId, activityId, actionId);
        var interfaceId = f > 0 ? iface[..f] : f2 > 0 ? iface2[..f2] : default;
        long? startSeconds = start is { } ms ? FloorDiv(ms, OcsfFlowFields.StartDivisor) : null;
        handler.OnRecord(reject, src[..s], dst[..t], startSeconds, interfaceId, account[..Math.Max(acct, 0)],
            vpc[..Math.Max(vp, 0)]);
    }

    /// <summary>
    /// The value as ASCII bytes; 0 when it does not fit or is not ASCII (as the Parquet reader does).
    /// </summary>
    private static int Copy(ref Utf8JsonReader reader, scoped Span<byte> destination)
    {
        if (reader.ValueSpan.Length > destination.Length * 6)
            return 0;
        Span<byte> scratch = stackalloc byte[256];
        if (reader.ValueSpan.Length > scratch.Length)
            return 0;
        int n = reader.CopyString(scratch);
        if (n > destination.Length || !System.Text.Ascii.IsValid(scratch[..n]))
            return 0;
        scratch[..n].CopyTo(destination);
        return n;
    }

    private static bool Is(ReadOnlySpan<byte> path, string name) => System.Text.Ascii.Equals(path, name);

    private static long FloorDiv(long value, long divisor) =>
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);

    private static int Rank(ReadOnlySpan<byte> path, string[] candidates)
    {
        for (int i = 0; i < candidates.Length; i++)
        {
            if (System.Text.Ascii.Equals(path, candidates[i]))
                return i;
        }
        return int.MaxValue;
    }
}
