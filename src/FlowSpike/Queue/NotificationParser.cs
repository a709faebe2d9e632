using System.Text.Json;

namespace FlowSpike.Queue;

/// <summary>
/// Reads a queue message body as one of the shapes S3 notifications arrive in: S3's Records array, an SNS envelope
/// around one (raw delivery is the event itself), an EventBridge event (detail-type "Object Created" and the
/// others), or s3:TestEvent. Keys are URL-decoded. Anything else is <see cref="BodyShape.Unknown"/>, with the reason.
/// </summary>
internal static class NotificationParser
{
    public static Notification Parse(string body)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return Notification.Unknown("not JSON");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Notification.Unknown("not a JSON object");
            if (Text(root, "Type") == "Notification" && Text(root, "Message") is { } inner)
            {
                var wrapped = ParseEvent(inner);
                return wrapped.Shape == BodyShape.Unknown
                    ? Notification.Unknown("an SNS notification whose Message is " + wrapped.Problem)
                    : wrapped with { Shape = BodyShape.Sns };
            }
            return Event(root);
        }
    }

    private static Notification ParseEvent(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                ? Event(doc.RootElement)
                : Notification.Unknown("not a JSON object");
        }
        catch (JsonException)
        {
            return Notification.Unknown("not JSON");
        }
    }

    private static Notification Event(JsonElement root)
    {
        if (Text(root, "Event") == "s3:TestEvent")
            return new Notification(BodyShape.TestEvent, [], []) { IsTest = true };
        if (root.TryGetProperty("Records", out var records) && records.ValueKind == JsonValueKind.Array)
            return S3Records(records);
        if (Text(root, "detail-type") is { } detailType && root.TryGetProperty("detail", out var detail)
            && detail.ValueKind == JsonValueKind.Object)
            return EventBridge(detailType, detail);
        return Notification.Unknown("of no known shape (no Records, detail-type or s3:TestEvent)");
    }

    private static Notification S3Records(JsonElement records)
    {
        var created = new List<NotifiedObject>();
        var ignored = new List<string>();
        foreach (var r in records.EnumerateArray())
        {
            string? name = r.ValueKind == JsonValueKind.Object ? Text(r, "eventName") : null;
            if (name is null)
                return Notification.Unknown("a Records entry without an eventName");
            // eventName is "ObjectCreated:Put" from S3, "s3:ObjectCreated:Put" from some compatible stores.
            string kind = name.StartsWith("s3:", StringComparison.Ordinal) ? name[3..] : name;
            if (!kind.StartsWith("ObjectCreated:", StringComparison.Ordinal))
            {
                ignored.Add(kind);
                continue;
            }
            if (!r.TryGetProperty("s3", out var s3) || Object(s3, "bucket") is not { } bucket
                || Object(s3, "object") is not { } obj || Text(bucket, "name") is not { } b
                || Text(obj, "key") is not { } key)
                return Notification.Unknown($"an {kind} record without s3.bucket.name and s3.object.key");
            created.Add(new NotifiedObject(b, ObjectKey.Decode(key), Number(obj, "size"),
                Text(obj, "eTag") ?? Text(obj, "etag"), Text(obj, "versionId")));
        }
        return created.Count + ignored.Count == 0
            ? Notification.Unknown("an empty Records array")
            : new Notification(BodyShape.S3Records, created, ignored);
    }

    private static Notification EventBridge(string detailType, JsonElement detail)
    {
        if (detailType != "Object Created")
            return new Notification(BodyShape.EventBridge, [], [detailType]);
        if (Object(detail, "bucket") is not { } bucket || Object(detail, "object") is not { } obj
            || Text(bucket, "name") is not { } b || Text(obj, "key") is not { } key)
            return Notification.Unknown("an \"Object Created\" event without detail.bucket.name and detail.object.key");
        var o = new NotifiedObject(b, ObjectKey.Decode(key), Number(obj, "size"),
            Text(obj, "etag") ?? Text(obj, "eTag"), Text(obj, "version-id"));
        return new Notification(BodyShape.EventBridge, [o], []);
    }

    private static JsonElement? Object(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) ? n
        : -1;
}
