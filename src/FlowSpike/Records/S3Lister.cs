using Amazon.S3;
using Amazon.S3.Model;

namespace FlowSpike.Records;

/// <summary>
/// Lists flow log objects under an S3 prefix in key order, and skips what lies outside the requested time by jumping
/// (StartAfter) over the date folders of the delivery layouts: a key dated before the range jumps to the first folder
/// of the range, a key dated after it jumps past its whole date tree. One hour of detection thus lists only that
/// hour's day or hour, plus one request per jump. File names stamped outside the range are dropped as well.
/// </summary>
internal sealed class S3Lister(IAmazonS3 client, int pageSize = 1000)
{
    public sealed record Listed(string Key, long Size, string? ETag);

    /// <summary>Objects under <paramref name="uri"/> whose time may overlap [from, to); all of them when no range is
    /// given.</summary>
    public List<Listed> List(S3Uri uri, long? from, long? to)
    {
        var found = new List<Listed>();
        string prefix = uri.Prefix;
        string? startAfter = null, token = null;
        while (true)
        {
            var page = Page(uri.Bucket, prefix, startAfter, token);
            string? jump = null;
            foreach (var o in page.S3Objects ?? [])
            {
                if (o.Key.EndsWith('/'))
                    continue;
                var dated = DatedKey.Parse(o.Key, prefix);
                if (from is { } f && to is { } t && dated is { } d && d.Date.Span() is var (start, end))
                {
                    if (end <= f)
                    {
                        if (d.JumpTo(f) is { } target && string.CompareOrdinal(target, o.Key) > 0)
                        {
                            jump = target;
                            break;
                        }
                        continue;
                    }
                    if (start >= t)
                    {
                        // Everything after this key in its date tree is later still: skip to just past "base/"
                        // ('0' follows '/' in byte order).
                        jump = d.Base.Length > prefix.Length ? d.Base[..^1] + "0" : "";
                        break;
                    }
                }
                string name = o.Key[(o.Key.LastIndexOf('/') + 1)..];
                if (DatePrefix.FileStamp(name) is { } stamp && from is { } f2 && to is { } t2
                    && (stamp < f2 || stamp >= t2))
                    continue;
                found.Add(new Listed(o.Key, o.Size ?? 0, o.ETag));
            }
            if (jump is not null)
            {
                if (jump.Length == 0)
                    break;
                startAfter = jump;
                token = null;
                continue;
            }
            if (page.IsTruncated != true)
                break;
            token = page.NextContinuationToken;
            startAfter = null;
        }
        return found;
    }

    /// <summary>A key split into the part before its first date folder and the date its folders name.</summary>
    private readonly record struct DatedKey(string Key, string Base, DatePrefix Date,
        List<(int Start, int Length)> Parts)
    {
        public static DatedKey? Parse(string key, string prefix)
        {
            var date = DatePrefix.None;
            int baseEnd = -1;
            var parts = new List<(int, int)>();
            int at = prefix.Length;
            while (true)
            {
                int slash = key.IndexOf('/', at);
                if (slash < 0)
                    break; // the rest is the file name
                string segment = key[at..slash];
                if (DatePrefix.Extend(date, segment) is { } next)
                {
                    if (baseEnd < 0)
                        baseEnd = at;
                    date = next;
                    parts.Add((at, slash - at));
                }
                else if (baseEnd >= 0)
                {
                    break; // a plain folder below the date folders ends the date
                }
                at = slash + 1;
            }
            return baseEnd < 0 ? null : new DatedKey(key, key[..baseEnd], date, parts);
        }

        /// <summary>The key prefix of the same date folders at the time <paramref name="epoch"/>, in this key's
        /// spelling.</summary>
        public string? JumpTo(long epoch)
        {
            var t = DateTimeOffset.FromUnixTimeSeconds(epoch).UtcDateTime;
            var sb = new System.Text.StringBuilder(Base);
            int level = 0;
            foreach (var (start, length) in Parts)
            {
                string segment = Key.Substring(start, length);
                int eq = segment.IndexOf('=');
                string name = eq >= 0 ? segment[..(eq + 1)] : "";
                string value = eq >= 0 ? segment[(eq + 1)..] : segment;
                string formatted;
                if (value.Length == 8)
                {
                    formatted = t.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
                    level = 3;
                }
                else
                {
                    level++;
                    formatted = level switch
                    {
                        1 => t.Year.ToString("D4", System.Globalization.CultureInfo.InvariantCulture),
                        2 => t.Month.ToString("D2", System.Globalization.CultureInfo.InvariantCulture),
                        3 => t.Day.ToString("D2", System.Globalization.CultureInfo.InvariantCulture),
                        _ => t.Hour.ToString("D2", System.Globalization.CultureInfo.InvariantCulture),
                    };
                }
                if (sb.Length > Base.Length)
                    sb.Append('/');
                sb.Append(name).Append(formatted);
            }
            return sb.ToString();
        }
    }

    private ListObjectsV2Response Page(string bucket, string prefix, string? startAfter, string? token)
    {
        try
        {
            return client.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = bucket,
                Prefix = prefix,
                StartAfter = startAfter,
                ContinuationToken = token,
                MaxKeys = pageSize,
            }).GetAwaiter().GetResult();
        }
        catch (AmazonS3Exception e)
        {
            throw new FlowInputException(
                $"s3://{bucket}/{prefix}: cannot list ({e.ErrorCode}: {AwsError.OneLine(e)})", e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or Amazon.Runtime.AmazonClientException)
        {
            throw new FlowInputException($"s3://{bucket}/{prefix}: cannot list ({AwsError.OneLine(e)})", e);
        }
    }

    /// <summary>Opens an object's body for streaming.</summary>
    public static Stream Open(IAmazonS3 client, string bucket, string key)
    {
        try
        {
            var response = client.GetObjectAsync(bucket, key).GetAwaiter().GetResult();
            return response.ResponseStream;
        }
        catch (AmazonS3Exception e)
        {
            throw new FlowInputException(
                $"s3://{bucket}/{key}: cannot read ({e.ErrorCode}: {AwsError.OneLine(e)})", e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or Amazon.Runtime.AmazonClientException)
        {
            throw new FlowInputException($"s3://{bucket}/{key}: cannot read ({AwsError.OneLine(e)})", e);
        }
    }
}
