using FlowSpike.Aggregation;
using FlowSpike.Delivery;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Time;

namespace FlowSpike.Watch;

/// <summary>
/// One watch over listed inputs, poll after poll: count the new files, close the windows the watermark has passed,
/// prune the ledger, deliver. Each step is a method of its own; <see cref="WatchRun"/> validates and starts it.
/// </summary>
internal sealed class WatchLoop(IStateStore store, InputOptions input, WatchRequest request,
    AlertDispatcher dispatcher, WindowCloser closer, IRunLog log, WatchMetrics metrics, long open,
    CancellationToken cancellation)
{
    private static readonly TimeSpan PruneBudget = TimeSpan.FromMilliseconds(250);

    private readonly long _size = request.WindowSeconds;
    private readonly Dictionary<string, long> _lastSize = new(StringComparer.Ordinal);
    private readonly HashSet<string> _warnedChanged = new(StringComparer.Ordinal);
    private readonly HashSet<string> _warnings = new(StringComparer.Ordinal);
    // The files there when watch started: counted before any window closes, once their size settles.
    private readonly HashSet<string> _startup = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _aliases = LegacyAliases(store.LocalLedgerKeys(open - InputSet.Slack));
    private readonly OldFiles _old = new();
    private readonly WatchCloses _closes = new(log, request.AllowEmptyWindows);
    private long _open = open;
    private long _watermark = store.Info.Watermark ?? long.MinValue;
    private int _polls, _failedPolls;

    /// <summary>Polls until cancelled (or once); returns the alerts still held at the end.</summary>
    public int Run()
    {
        metrics.CommittedUntil(_open);
        log.Info($"watching {string.Join(", ", input.Inputs)}: next window {TimeRange.Format(_open)}, window " +
            $"{_size}s, lateness {request.LatenessSeconds}s");
        int held = 0;
        while (!cancellation.IsCancellationRequested)
        {
            long? clock = WatchRun.ReadClock(request.ClockFile);
            metrics.PollStarted(clock ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            var listed = new HashSet<string>(StringComparer.Ordinal);
            if (!TryCount(clock, listed, out int deferred) || SettleFirst(deferred))
                continue;
            if (clock is { } now)
                _watermark = now;
            if (_watermark != long.MinValue)
                metrics.Watermark(_watermark);
            // A file present at start that keeps growing holds closes for at most StartupPolls polls.
            _startup.IntersectWith(listed);
            if (_startup.Count == 0 || (!request.Once && _polls > WatchRun.StartupPolls))
                CloseDueWindows();
            // The ledger keeps only what dedup needs, a bounded part per poll, so a poll's cost does not grow with it.
            store.PruneLedger(SqliteStateStore.LedgerPruneBound(_open, request.LatenessSeconds), PruneBudget);
            // Retry sinks that were down, even when no window closed; --once gives each one last try.
            held = dispatcher.DeliverOutbox(store, force: request.Once);
            if (request.Once)
            {
                WarnStillGrowing();
                break;
            }
            cancellation.WaitHandle.WaitOne(request.PollInterval);
        }
        log.Info($"stopped; next window {TimeRange.Format(_open)}");
        return request.Once ? held : 0;
    }

    /// <summary>Counts this poll's new files; false when the listing failed and the daemon backed off.</summary>
    private bool TryCount(long? clock, HashSet<string> listed, out int deferred)
    {
        deferred = 0;
        try
        {
            deferred = CountNew(clock, listed);
        }
        catch (FlowInputException e) when (!request.Once && WatchRun.IsTransient(e))
        {
            // A daemon rides out an S3 or network outage: it keeps serving, reports the failure, and tries again
            // after a back-off; only --once exits on it.
            _failedPolls = metrics.PollFailed(e.Message);
            var backoff = TimeSpan.FromTicks(Math.Min(WatchRun.MaxBackoff.Ticks,
                request.PollInterval.Ticks * (1L << Math.Min(_failedPolls - 1, 10))));
            log.Warn($"{e.Message}; poll {_failedPolls} in a row failed, retrying in {backoff.TotalSeconds:0}s");
            cancellation.WaitHandle.WaitOne(backoff);
            return false;
        }
        _old.Report(log, _open);
        if (_failedPolls > 0)
            log.Info($"polling again after {_failedPolls} failed poll(s)");
        _failedPolls = 0;
        metrics.PollSucceeded();
        return true;
    }

    /// <summary>True on the first look at a --once run's new local files: it looks again shortly before counting
    /// them.</summary>
    private bool SettleFirst(int deferred)
    {
        bool again = request.Once && _polls == 0 && deferred > 0;
        _polls++;
        if (again)
            cancellation.WaitHandle.WaitOne(WatchRun.OnceSettle);
        return again;
    }

    /// <summary>Closes, oldest first, every open window whose end plus the lateness the watermark has passed.</summary>
    private void CloseDueWindows()
    {
        while (_watermark != long.MinValue && _open + _size + request.LatenessSeconds <= _watermark
            && !cancellation.IsCancellationRequested && !_closes.StaysOpen(_open, store.HasRecords(_open)))
        {
            var outcome = closer.Close(_open, store.LoadOpenWindow(_open));
            metrics.WindowClosed(_open + _size, outcome.Alerts);
            _closes.Closed(_open, outcome.Result.ActiveSources, outcome.Alerts);
            _open += _size;
        }
    }

    private void WarnStillGrowing()
    {
        foreach (string growing in _startup)
        {
            log.Warn($"{growing}: still being written (it grew during this run); left for the next run, and no " +
                "window closes until it is counted");
        }
    }

    private void WarnOnce(string message)
    {
        if (_warnings.Add(message))
            log.Warn(message);
    }

    /// <summary>Counts one poll's new files; returns how many local files wait for their size to settle.</summary>
    private int CountNew(long? clock, HashSet<string> listed)
    {
        int deferred = 0;
        long skipBelow = Math.Max(_open - InputSet.Slack, store.LedgerPrunedBelow ?? long.MinValue);
        foreach (var file in InputSet.Expand(input.Inputs, _open, long.MaxValue / 4, input.S3, WarnOnce, input.Logs))
        {
            if (cancellation.IsCancellationRequested)
                break;
            listed.Add(file.Identity);
            if (DatePrefix.FileStamp(Path.GetFileName(file.Path)) is { } stamp && stamp < skipBelow)
            {
                // Stamped before the open window (as the S3 lister skips it): its records could only be late, and
                // its ledger row may be pruned, so it is never read.
                _old.Skipped++;
                continue;
            }
            string version = file.Version ?? FileIdentity.Version(file.Identity);
            if (Counted(file, version))
                continue;
            if (!Settled(file))
            {
                deferred++;
                continue;
            }
            _startup.Remove(file.Identity);
            CountFile(file, version, clock);
        }
        return deferred;
    }

    /// <summary>True when the ledger has the file already (a changed file is warned about once, never
    /// recounted); a file that failed before is tried again once it changed.</summary>
    private bool Counted(InputFile file, string version)
    {
        // By what the file is (its real path), and for rows written before identities by how it was spelled.
        if ((store.LedgerRow(file.Identity) ?? store.LedgerRow(file.Path)
            ?? (_aliases.TryGetValue(file.Identity, out string? legacy) ? store.LedgerRow(legacy) : null))
            is not { } seen)
            return false;
        bool same = seen.Size == file.Length && seen.Version == version;
        if (!same && seen.Status == LedgerEntry.Failed)
            return false;
        if (!same && _warnedChanged.Add(file.Identity))
        {
            metrics.FileChanged();
            log.Warn($"{file.Path}: changed after it was counted; ignored (its first content stays counted once)");
        }
        return true;
    }

    /// <summary>
    /// A local file still being written grows between polls: it is taken once its size holds still. With --once the
    /// second look comes <see cref="WatchRun.OnceSettle"/> later, and a file still growing then is left for the next
    /// run, holding every window close until it is counted.
    /// </summary>
    private bool Settled(InputFile file)
    {
        if (file.IsRemote || (_lastSize.TryGetValue(file.Identity, out long previous) && previous == file.Length))
            return true;
        _lastSize[file.Identity] = file.Length;
        if (_polls == 0 || request.Once)
            _startup.Add(file.Identity);
        return false;
    }

    /// <summary>Counts one file and commits it with its ledger row; a file that cannot be read is recorded as failed
    /// and the others go on.</summary>
    private void CountFile(InputFile file, string version, long? clock)
    {
        ScanResult scan;
        try
        {
            // An object that is not a flow log is skipped by the one rule (NotFlowLog), whatever the flag.
            scan = FlowScanner.Scan([file],
                input.Scan(_open, _open + _size * (1L << 30), _size, keepDetails: true, threads: 1,
                    entities: store.Entities) with
                { SkipUnsupported = true }, cancellation);
        }
        catch (FlowInputException e) when (!(file.IsRemote && WatchRun.IsTransient(e)))
        {
            store.RecordFailure(
                new LedgerEntry(file.Identity, file.Length, version, LedgerEntry.Failed, Error: e.Message));
            metrics.FileFailed();
            log.Warn(e.Message + " (recorded in the ledger; the other files go on)");
            return;
        }
        var d = scan.Diagnostics;
        if (d.Skipped.Count > 0)
        {
            var skipped = d.Skipped[0];
            store.RecordFailure(
                new LedgerEntry(file.Identity, file.Length, version, LedgerEntry.Failed, Error: skipped.Message));
            metrics.FileSkipped(skipped.Reason);
            log.Warn(skipped.Message + "; skipped (recorded in the ledger, not read again; the other files go on)");
            return;
        }
        // The data's own time moves the watermark, but never past the clock: a record from the future must not close
        // windows early.
        long? candidate = d.MaxStart;
        if (DatePrefix.FileStamp(Path.GetFileName(file.Path)) is { } stamp && (candidate is null || stamp > candidate))
            candidate = stamp;
        long cap = clock ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600;
        if (candidate is { } c && Math.Min(c, cap) > _watermark)
            _watermark = Math.Min(c, cap);
        var entry = new LedgerEntry(file.Identity, file.Length, version, LedgerEntry.Counted, d.Lines, d.Early);
        store.CommitFile(entry, scan.Partial, _watermark == long.MinValue ? null : _watermark, d.RecordsByWindow);
        metrics.FileCounted(file.Length, d.Lines, d.Counted, d.Malformed, d.Early, d.Elapsed);
        if (d.Lines > d.Malformed)
            metrics.RecordsArrived();
        if (d.Early > 0 && DatePrefix.FileStamp(Path.GetFileName(file.Path)) < _open)
            _old.Late(d.Early);
        else if (d.Early > 0)
            log.Warn(
                $"{file.Path}: {d.Early} late record(s) for windows already closed; counted in metrics, not scored");
        if (d.Malformed > 0)
            log.Warn($"{file.Path}: {d.Malformed} malformed line(s) skipped; first: {d.MalformedSamples[0]}");
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
}
