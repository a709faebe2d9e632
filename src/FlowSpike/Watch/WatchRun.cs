using FlowSpike.Aggregation;
using FlowSpike.Delivery;
using FlowSpike.Detection;
using FlowSpike.Jobs;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.State;

namespace FlowSpike.Watch;

/// <summary>
/// Runs unattended: finds new input files as they arrive, counts each one exactly once (its counts and its ledger
/// entry commit together), and closes each window once the watermark has passed its end plus the allowed lateness,
/// with the same window step as detect. Records for windows already closed are counted as late, never scored.
/// </summary>
internal static class WatchRun
{
    /// <summary>How many polls the files present at start may hold window closes while their size settles.</summary>
    public const int StartupPolls = 10;

    /// <summary>How long a --once run waits before its second look at the sizes of new local files.</summary>
    public static readonly TimeSpan OnceSettle = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between polls that keep failing.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);

    /// <summary>Runs with one sink (which the caller disposes); returns the alerts still held at the end.</summary>
    public static int Execute(IStateStore store, InputOptions input, WatchRequest request, IAlertSink sink,
        IRunLog log, WatchMetrics metrics, CancellationToken cancellation) =>
        Execute(store, input, request, AlertDispatcher.Single(sink, log), log, metrics, cancellation);

    /// <summary>Follows the inputs; returns how many alert deliveries are still held when it stops.</summary>
    public static int Execute(IStateStore store, InputOptions input, WatchRequest request, AlertDispatcher dispatcher,
        IRunLog log, WatchMetrics metrics, CancellationToken cancellation)
    {
        long size = request.WindowSeconds;
        if (size <= 0)
            throw new RunException($"{Setting.Name(nameof(JobSettings.WindowSeconds))} must be positive");
        if (request.LatenessSeconds < 0)
            throw new RunException($"{Setting.Name(nameof(JobSettings.LatenessSeconds))} must not be negative");
        if (request.Policy.Settings.Validate() is { } bad)
            throw new RunException(bad);
        DetectRun.RefuseOtherSpan(store.Info, size);
        long open = FirstOpenWindow(store.Info, request, log);
        var lookup = store.LoadLookup();
        Scoring.RefuseUnscorable(store.Info, lookup.Count, request.Policy);
        metrics.StaleAfterSeconds = request.StaleAfterSeconds;
        dispatcher.Observe(metrics.Held, metrics.DeliveryFailed);

        dispatcher.Check();
        dispatcher.DeliverOutbox(store);
        dispatcher.Ready();
        var closer =
            new WindowCloser(store, new BaselineTable(lookup, store.Entities),
                request.Policy.CreateModel(), request.Policy, dispatcher, size);
        long watermark = store.Info.Watermark ?? long.MinValue;
        metrics.CommittedUntil(open);
        var lastSize = new Dictionary<string, long>(StringComparer.Ordinal);
        var warnedChanged = new HashSet<string>(StringComparer.Ordinal);
        var warnings = new HashSet<string>(StringComparer.Ordinal);
        void WarnOnce(string message)
        {
            if (warnings.Add(message))
                log.Warn(message);
        }
        long emptyWarned = long.MinValue;
        int heldAtEnd = 0;
        var startup = new HashSet<string>(StringComparer.Ordinal);
        int polls = 0, failedPolls = 0;
        var aliases = LegacyAliases(store.LocalLedgerKeys(open - InputSet.Slack));
        var old = new OldFiles();
        log.Info(
            $"watching {string.Join(", ", input.Inputs)}: next window {TimeRange.Format(open)}, window {size}s, "
            + $"lateness {request.LatenessSeconds}s");

        // Counts one poll's new files; returns how many local files wait for their size to settle.
        int CountNew(long? clock, HashSet<string> listed)
        {
            int deferred = 0;
            long skipBelow = Math.Max(open - InputSet.Slack, store.LedgerPrunedBelow ?? long.MinValue);
            foreach (var file in InputSet.Expand(input.Inputs, open, long.MaxValue / 4, input.S3, WarnOnce, input.Logs))
            {
                if (cancellation.IsCancellationRequested)
                    break;
                listed.Add(file.Identity);
                if (DatePrefix.FileStamp(Path.GetFileName(file.Path)) is { } stamp && stamp < skipBelow)
                {
                    // Stamped before the open window (as the S3 lister skips it): its records could only be late,
                    // and its ledger row may be pruned, so it is never read.
                    old.Skipped++;
                    continue;
                }
                string version = file.Version ?? FileIdentity.Version(file.Identity);
                // By what the file is (its real path), and for rows written before identities by how it was spelled.
                if ((store.LedgerRow(file.Identity) ?? store.LedgerRow(file.Path)
                    ?? (aliases.TryGetValue(file.Identity, out string? legacy) ? store.LedgerRow(legacy) : null))
                    is { } seen)
                {
                    bool same = seen.Size == file.Length && seen.Version == version;
                    if (same || seen.Status != LedgerEntry.Failed)
                    {
                        if (!same && warnedChanged.Add(file.Identity))
                        {
                            metrics.FileChanged();
                            log.Warn(
                                $"{file.Path}: changed after it was counted; ignored (its first content stays counted "
                                + "once)");
                        }
                        continue;
                    }
                }
                // A local file still being written grows between polls: take it once its size holds still. With
                // --once the second look comes OnceSettle later, and a file still growing then is left for the next
                // run, holding every window close until it is counted.
                bool settled = lastSize.TryGetValue(file.Identity, out long previous) && previous == file.Length;
                if (!file.IsRemote && !settled)
                {
                    lastSize[file.Identity] = file.Length;
                    if (polls == 0 || request.Once)
                        startup.Add(file.Identity);
                    deferred++;
                    continue;
                }
                startup.Remove(file.Identity);
                watermark =
                    CountFile(store, input, file, version, open, size, clock, watermark, metrics, log, cancellation,
                        old);
            }
            return deferred;
        }

        while (!cancellation.IsCancellationRequested)
        {
            long? clock = ReadClock(request.ClockFile);
            metrics.PollStarted(clock ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            int deferred = 0;
            var listed = new HashSet<string>(StringComparer.Ordinal);
            try
            {
                deferred = CountNew(clock, listed);
            }
            catch (FlowInputException e) when (!request.Once && IsTransient(e))
            {
                // A daemon rides out an S3 or network outage: it keeps serving, reports the failure, and tries again
                // after a back-off; only --once exits on it.
                failedPolls = metrics.PollFailed(e.Message);
                var backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks,
                    request.PollInterval.Ticks * (1L << Math.Min(failedPolls - 1, 10))));
                log.Warn($"{e.Message}; poll {failedPolls} in a row failed, retrying in {backoff.TotalSeconds:0}s");
                cancellation.WaitHandle.WaitOne(backoff);
                continue;
            }
            old.Report(log, open);
            if (failedPolls > 0)
                log.Info($"polling again after {failedPolls} failed poll(s)");
            failedPolls = 0;
            metrics.PollSucceeded();
            if (clock is { } now)
                watermark = now;
            if (watermark != long.MinValue)
                metrics.Watermark(watermark);
            // The files that were there when watch started are counted before any window closes (their size must settle
            // first); a file that keeps growing holds closes for at most StartupPolls polls.
            startup.IntersectWith(listed);
            bool startupCounted = startup.Count == 0 || (!request.Once && polls >= StartupPolls);
            if (request.Once && polls == 0 && deferred > 0)
            {
                // The first look at a --once run's new local files: look again shortly before counting them.
                polls++;
                cancellation.WaitHandle.WaitOne(OnceSettle);
                continue;
            }
            polls++;
            while (startupCounted && watermark != long.MinValue && open + size + request.LatenessSeconds <= watermark
                && !cancellation.IsCancellationRequested)
            {
                if (!request.AllowEmptyWindows && !store.HasRecords(open))
                {
                    if (emptyWarned != open)
                    {
                        emptyWarned = open;
                        log.Warn($"window {TimeRange.Format(open)} has no flow-log records yet; it stays open, " +
                            $"and the windows after it wait ({Setting.Name(nameof(JobSettings.AllowEmptyWindows))} " +
                                $"closes such windows " +
                                $"as quiet)");
                    }
                    break;
                }
                var outcome = closer.Close(open, store.LoadOpenWindow(open));
                metrics.WindowClosed(open + size, outcome.Delivered);
                log.Info(
                    $"window {TimeRange.Format(open)} closed: {outcome.Result.ActiveSources} active host(s), "
                    + $"{outcome.Delivered} alert(s)");
                open += size;
            }
            // The ledger keeps only what dedup needs: objects stamped before what the lister skips are forgotten, a
            // bounded part per poll, so a poll's cost does not grow with the ledger.
            store.PruneLedger(SqliteStateStore.LedgerPruneBound(open, request.LatenessSeconds), PruneBudget);
            // Retry sinks that were down, even when no window closed; --once gives each one last try.
            int held = dispatcher.DeliverOutbox(store, force: request.Once);
            if (request.Once)
            {
                heldAtEnd = held;
                foreach (string growing in startup)
                {
                    log.Warn($"{growing}: still being written (it grew during this run); left for the next run, " +
                        "and no window closes until it is counted");
                }
                break;
            }
            cancellation.WaitHandle.WaitOne(request.PollInterval);
        }
        log.Info($"stopped; next window {TimeRange.Format(open)}");
        return heldAtEnd;
    }

    /// <summary>An input that could not be listed or fetched (S3, the network), as opposed to one that was read and
    /// is bad: the first kind is tried again, the second is recorded in the ledger.</summary>
    internal static bool IsTransient(FlowInputException e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpRequestException or IOException or TimeoutException
                or Amazon.Runtime.AmazonClientException or Amazon.Runtime.AmazonServiceException)
                return true;
        }
        return false;
    }

    public static long FirstOpenWindow(StateInfo info, WatchRequest request, IRunLog log)
    {
        long size = request.WindowSeconds;
        if (info.CommittedUntil is not { } mark)
        {
            if (request.From is not { } from)
                throw new RunException(Scoring.NoCommittedWindow(request.Policy));
            TimeRange.Validate(from, from + size, size, "WindowSeconds");
            return from;
        }
        if (!WindowMath.IsAligned(mark, size))
            throw new RunException($"the committed mark {TimeRange.Format(mark)} is not aligned to " +
                $"{Setting.Name(nameof(JobSettings.WindowSeconds))} {size}s");
        if (request.From is { } f)
        {
            TimeRange.Validate(f, f + size, size, "WindowSeconds");
            if (f < mark)
                throw new RunException($"{Setting.Name(nameof(JobSettings.From))} {TimeRange.Format(f)} is before " +
                    $"the committed mark " +
                    $"{TimeRange.Format(mark)}; closing it would reorder the baseline's history");
            if (f > mark)
            {
                log.Warn($"gap: no window was closed between {TimeRange.Format(mark)} and {TimeRange.Format(f)}");
                return f;
            }
        }
        return mark;
    }

    private static long CountFile(IStateStore store, InputOptions input, InputFile file, string version, long open,
        long size, long? clock,
        long watermark, WatchMetrics metrics, IRunLog log, CancellationToken cancellation, OldFiles old)
    {
        ScanResult scan;
        try
        {
            // An object that is not a flow log is skipped by the one rule (NotFlowLog), whatever the flag.
            scan = FlowScanner.Scan([file],
                input.Scan(open, open + size * (1L << 30), size, keepDetails: true, threads: 1,
                    entities: store.Entities) with
                { SkipUnsupported = true }, cancellation);
        }
        catch (FlowInputException e) when (!(file.IsRemote && IsTransient(e)))
        {
            store.RecordFailure(
                new LedgerEntry(file.Identity, file.Length, version, LedgerEntry.Failed, Error: e.Message));
            metrics.FileFailed();
            log.Warn(e.Message + " (recorded in the ledger; the other files go on)");
            return watermark;
        }
        var d = scan.Diagnostics;
        if (d.Skipped.Count > 0)
        {
            var skipped = d.Skipped[0];
            store.RecordFailure(
                new LedgerEntry(file.Identity, file.Length, version, LedgerEntry.Failed, Error: skipped.Message));
            metrics.FileSkipped(skipped.Reason);
            log.Warn(skipped.Message + "; skipped (recorded in the ledger, not read again; the other files go on)");
            return watermark;
        }
        // The data's own time moves the watermark, but never past the clock: a record from the future must not close
        // windows early.
        long? candidate = d.MaxStart;
        if (DatePrefix.FileStamp(Path.GetFileName(file.Path)) is { } stamp && (candidate is null || stamp > candidate))
            candidate = stamp;
        long cap = clock ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600;
        if (candidate is { } c && Math.Min(c, cap) > watermark)
            watermark = Math.Min(c, cap);
        var entry = new LedgerEntry(file.Identity, file.Length, version, LedgerEntry.Counted, d.Lines, d.Early);
        store.CommitFile(entry, scan.Partial, watermark == long.MinValue ? null : watermark, d.RecordsByWindow);
        metrics.FileCounted(file.Length, d.Lines, d.Counted, d.Malformed, d.Early, d.Elapsed);
        if (d.Lines > d.Malformed)
            metrics.RecordsArrived();
        if (d.Early > 0 && DatePrefix.FileStamp(Path.GetFileName(file.Path)) < open)
            old.Late(d.Early);
        else if (d.Early > 0)
            log.Warn(
                $"{file.Path}: {d.Early} late record(s) for windows already closed; counted in metrics, not scored");
        if (d.Malformed > 0)
            log.Warn($"{file.Path}: {d.Malformed} malformed line(s) skipped; first: {d.MalformedSamples[0]}");
        return watermark;
    }

    /// <summary>
    /// Ledger rows written before identities keyed a file by its spelling (relative, or through a symlink). Each such
    /// row that still leads to a file is found by the file's real path too: real path to the row's key. Resolved once
    /// per run; rows written since are keyed by identity already.
    /// </summary>
    private static Dictionary<string, string> LegacyAliases(IReadOnlyList<string> keys)
    {
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string key in keys)
        {
            if (key == "-" || S3Uri.IsS3(key))
                continue;
            if (FileIdentity.TryResolve(key, out _) is { } real && real != key)
                aliases.TryAdd(real, key);
        }
        return aliases;
    }

    /// <summary>
    /// Files stamped before the open window, summed up in one line per poll rather than a warning each: those stamped
    /// more than <see cref="InputSet.Slack"/> before it are skipped unread (once per run), the others read, with
    /// their late records counted.
    /// </summary>
    private sealed class OldFiles
    {
        public long Skipped;
        private long _lateFiles, _lateRecords;
        private bool _skipReported;

        public void Late(long records)
        {
            _lateFiles++;
            _lateRecords += records;
        }

        public void Report(IRunLog log, long open)
        {
            if (Skipped > 0 && !_skipReported)
            {
                log.Info($"{Skipped} file(s) stamped before {TimeRange.Format(open - InputSet.Slack)} skipped " +
                    "unread: their windows are closed, so their records could only be late");
                _skipReported = true;
            }
            if (_lateFiles > 0)
            {
                log.Warn($"{_lateFiles} file(s) stamped before {TimeRange.Format(open)} held {_lateRecords} late " +
                    "record(s) for windows already closed; counted in metrics, not scored");
            }
            _lateFiles = _lateRecords = 0;
        }
    }

    private static readonly TimeSpan PruneBudget = TimeSpan.FromMilliseconds(250);

    public static long? ReadClock(string? path)
    {
        if (path is null)
            return null;
        try
        {
            string text = File.ReadAllText(path).Trim();
            return TimeRange.TryParseTime(text,
                out long t) ? t : throw new RunException($"{Setting.Name(nameof(JobSettings.Clock))} {path}: " +
                    $"'{text}' is not a time");
        }
        catch (IOException e)
        {
            throw new RunException($"{Setting.Name(nameof(JobSettings.Clock))} {path}: cannot read ({e.Message})");
        }
    }
}
