using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FlowSpike.Aggregation;
using FlowSpike.Records;
using FlowSpike.State;
using FlowSpike.Watch;

namespace FlowSpike.Queue;

/// <summary>
/// Counts notified and listed objects exactly once: an object already in the ledger with its version is a duplicate;
/// otherwise it is read through the same scanner as every input and its counts commit with its ledger entry in one
/// transaction. Objects of different keys are counted in parallel; commits and the ledger are serialized here.
/// </summary>
internal sealed class ObjectCounter(ICountLedger ledger, IAmazonS3 s3, WatchMetrics metrics, IRunLog log)
{
    private readonly HashSet<string> _warnedChanged = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Objects stamped before this may have left the ledger (null: none has).</summary>
    public long? PrunedBelow => ledger.PrunedBelow;

    /// <summary>One object of a notification, read with its version (or If-Match on its ETag) so the content counted
    /// is the content notified.</summary>
    public ObjectOutcome Count(NotifiedObject o, long open, long size, long clock, CancellationToken cancellation)
    {
        if (Seen(o.Path, o.Version) is { } known)
            return known;
        long length = o.Size;
        if (length < 0)
        {
            try
            {
                length = Head(o);
            }
            catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException
                or IOException)
            {
                log.Warn($"{o.Path}: cannot read its size ({e.Message}); its message is left on the queue");
                return ObjectOutcome.Transient;
            }
        }
        var file = new InputFile(o.Path, length) { OpenRemote = () => Open(o), Version = o.Version };
        return Scan(file, o.Version, open, size, clock, cancellation);
    }

    /// <summary>One object found by listing (the backfill), by its listed ETag.</summary>
    public ObjectOutcome Count(InputFile file, long open, long size, long clock, CancellationToken cancellation)
    {
        string version = file.Version is { } v ? NotifiedObject.QuotedETag(v) : "";
        return Seen(file.Identity, version) ?? Scan(file, version, open, size, clock, cancellation);
    }

    private ObjectOutcome? Seen(string path, string version)
    {
        if (ledger.Find(path) is not { } seen)
            return null;
        lock (_gate)
        {
            if (SameVersion(seen.Version, version))
                return ObjectOutcome.Duplicate;
            if (seen.Status == LedgerEntry.Failed)
                return null; // a new version of an object that could not be read: read it
            if (_warnedChanged.Add(path))
            {
                metrics.FileChanged();
                log.Warn($"{path}: changed after it was counted; ignored (its first content stays counted once)");
            }
            return ObjectOutcome.Changed;
        }
    }

    private static bool SameVersion(string a, string b) =>
        string.Equals(a.Trim('"'), b.Trim('"'), StringComparison.Ordinal);

    private ObjectOutcome Scan(InputFile file, string version, long open, long size, long clock,
        CancellationToken cancellation)
    {
        ScanResult scan;
        // An object that is not a flow log is skipped by the one rule (NotFlowLog), as in every watch.
        var options = ledger.Options(open, size) with { SkipUnsupported = true };
        try
        {
            scan = FlowScanner.Scan([file], options, cancellation);
        }
        catch (Exception e) when (e is FlowInputException or AmazonServiceException or AmazonClientException
            or HttpRequestException or IOException or AggregateException)
        {
            var outcome = Classify(e);
            if (outcome == ObjectOutcome.Transient)
            {
                log.Warn($"{file.Path}: {Reason(e)}; its message is left on the queue to be received again");
                return outcome;
            }
            ledger.RecordFailure(Failure(file, version, Reason(e), clock));
            metrics.FileFailed();
            log.Warn($"{file.Path}: {Reason(e)} (recorded in the ledger; its message is deleted)");
            return outcome;
        }
        var d = scan.Diagnostics;
        if (d.Skipped.Count > 0)
        {
            var skipped = d.Skipped[0];
            ledger.RecordFailure(Failure(file, version, skipped.Message, clock));
            metrics.FileSkipped(skipped.Reason);
            log.Warn(skipped.Message + "; skipped (recorded in the ledger, not read again; its message is deleted)");
            return ObjectOutcome.Unreadable;
        }
        var counted = new LedgerEntry(file.Identity, file.Length, version, LedgerEntry.Counted, d.Lines, d.Early)
        {
            At = clock,
        };
        if (!ledger.Commit(counted, scan, options, clock))
            return ObjectOutcome.Duplicate;
        metrics.FileCounted(file.Length, d.Lines, d.Counted, d.Malformed, d.Early, d.Elapsed);
        if (d.Early > 0)
            log.Warn($"{file.Path}: {d.Early} late record(s) for windows already closed; counted in metrics, not " +
                "scored");
        if (d.Malformed > 0)
            log.Warn($"{file.Path}: {d.Malformed} malformed line(s) skipped; first: {d.MalformedSamples[0]}");
        return ObjectOutcome.Counted;
    }

    private static LedgerEntry Failure(InputFile file, string version, string error, long clock) =>
        new(file.Identity, file.Length, version, LedgerEntry.Failed, Error: error) { At = clock };

    /// <summary>
    /// Gone (404, or 412 when If-Match finds other content) and not a flow log are final; the network, throttling,
    /// a server error or access denied (a policy being fixed) may pass.
    /// </summary>
    internal static ObjectOutcome Classify(Exception e)
    {
        foreach (var x in Chain(e))
        {
            if (x is AmazonServiceException service)
            {
                return service.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed
                    ? ObjectOutcome.Missing
                    : ObjectOutcome.Transient;
            }
            if (x is HttpRequestException or AmazonClientException or TimeoutException
                || (x is IOException && x is not FileNotFoundException))
                return ObjectOutcome.Transient;
        }
        return ObjectOutcome.Unreadable;
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        var pending = new Stack<Exception>([e]);
        while (pending.Count > 0)
        {
            var x = pending.Pop();
            yield return x;
            if (x is AggregateException a)
            {
                foreach (var inner in a.InnerExceptions)
                    pending.Push(inner);
            }
            else if (x.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }

    private static string Reason(Exception e) => e switch
    {
        FlowInputException f => StripPath(f.Message),
        AggregateException a => Reason(a.InnerExceptions[0]),
        _ => e.Message,
    };

    /// <summary>Scanner messages start with the object's path, which the caller names already.</summary>
    private static string StripPath(string message) =>
        message.StartsWith("s3://", StringComparison.Ordinal) && message.IndexOf(": ", StringComparison.Ordinal) is
            var at and > 0 ? message[(at + 2)..] : message;

    private Stream Open(NotifiedObject o)
    {
        var request = new GetObjectRequest { BucketName = o.Bucket, Key = o.Key, VersionId = o.VersionId };
        if (o.VersionId is null && o.ETag is not null)
            request.EtagToMatch = NotifiedObject.QuotedETag(o.ETag);
        try
        {
            return s3.GetObjectAsync(request).GetAwaiter().GetResult().ResponseStream;
        }
        catch (AmazonS3Exception e)
        {
            string why = e.StatusCode switch
            {
                HttpStatusCode.NotFound => "no longer exists",
                HttpStatusCode.PreconditionFailed => $"overwritten before it was read (ETag {o.ETag} is gone)",
                _ => $"cannot read ({e.ErrorCode}: {e.Message})",
            };
            throw new FlowInputException($"{o.Path}: {why}", e);
        }
    }

    private long Head(NotifiedObject o)
    {
        try
        {
            return s3.GetObjectMetadataAsync(new GetObjectMetadataRequest
            {
                BucketName = o.Bucket,
                Key = o.Key,
                VersionId = o.VersionId,
            }).GetAwaiter().GetResult().ContentLength;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return 0; // the read that follows says it is gone
        }
    }
}
