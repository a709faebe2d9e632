using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace FlowSpike.Watch;

/// <summary>
/// What a watch process has done, as System.Diagnostics.Metrics instruments on the "FlowSpike" meter, so any
/// OpenTelemetry exporter (Prometheus, OTLP) publishes them. Counters are named without "_total", which the
/// Prometheus exporter appends: flowspike_files becomes flowspike_files_total.
/// </summary>
internal sealed class WatchMetrics : IDisposable
{
    public const string MeterName = "FlowSpike";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _files, _failedFiles, _skippedFiles, _changedFiles, _bytes, _records, _counted,
        _badLines, _late, _windows, _alerts, _pollErrors, _deliveryFailures;
    private readonly ConcurrentDictionary<string, long> _held = new(StringComparer.Ordinal);
    private readonly WatchHealth _health = new();
    private long _fileCount, _failedCount, _skippedCount, _lateCount, _windowCount, _alertCount, _byteCount, _scanTicks;
    private long _watermark = long.MinValue, _committedUntil = long.MinValue;

    public WatchMetrics()
    {
        _files = _meter.CreateCounter<long>("flowspike_files", description: "Input files counted.");
        _failedFiles = _meter.CreateCounter<long>("flowspike_files_failed",
            description: "Input files that could not be read (recorded in the ledger).");
        _skippedFiles = _meter.CreateCounter<long>("flowspike_files_skipped",
            description: "Objects skipped as not flow logs, by reason (recorded in the ledger).");
        _changedFiles = _meter.CreateCounter<long>("flowspike_files_changed",
            description: "Files seen again with other content after being counted (ignored).");
        _bytes = _meter.CreateCounter<long>("flowspike_bytes", description: "Bytes of input read.");
        _records = _meter.CreateCounter<long>("flowspike_records", description: "Lines or records read.");
        _counted = _meter.CreateCounter<long>("flowspike_blocked_outbound_records",
            description: "Blocked outbound records counted into open windows.");
        _badLines = _meter.CreateCounter<long>("flowspike_bad_lines", description: "Malformed lines skipped.");
        _late = _meter.CreateCounter<long>("flowspike_late_records",
            description: "Blocked outbound records that arrived after their window closed (not scored).");
        _windows = _meter.CreateCounter<long>("flowspike_windows_closed",
            description: "Detection windows closed and committed.");
        _alerts = _meter.CreateCounter<long>("flowspike_alerts", description: "Alerts raised.");
        _meter.CreateObservableGauge("flowspike_watermark_seconds", () => Gauge(_watermark),
            description: "Event time the data has reached (epoch seconds).");
        _meter.CreateObservableGauge("flowspike_committed_until_seconds", () => Gauge(_committedUntil),
            description: "End of the last committed window (epoch seconds).");
        _meter.CreateObservableGauge("flowspike_lag_seconds", Lag,
            description: "Event time between the watermark and the last committed window.");
        _meter.CreateObservableGauge("flowspike_scan_bytes_per_second", ScanRate,
            description: "Average scan throughput of counted files.");
        _pollErrors = _meter.CreateCounter<long>("flowspike_poll_errors",
            description: "Polls that could not list or read the inputs (retried with back-off).");
        _deliveryFailures = _meter.CreateCounter<long>("flowspike_delivery_failures",
            description: "Delivery attempts that failed, per sink (the alerts stay held in the state).");
        _meter.CreateObservableGauge("flowspike_deliveries_held", HeldMeasurements,
            description: "Alerts committed but not yet delivered, per sink.");
        _meter.CreateObservableGauge("flowspike_data_age_seconds", () => Gauge(_health.DataAge()),
            description: "Time since a file with flow-log records last arrived (the poll's clock).");
        _meter.CreateObservableGauge("flowspike_degraded", () => _health.Reasons(Held()).Count > 0 ? 1 : 0,
            description: "1 while /healthz says degraded (failing polls, held deliveries, stale data, no baseline).");
    }

    /// <summary>What /healthz says: "ok", or "degraded: " and each reason.</summary>
    public string Health()
    {
        var reasons = _health.Reasons(Held());
        return reasons.Count == 0 ? "ok" : "degraded: " + string.Join("; ", reasons);
    }

    /// <summary>No record arriving for this long is a degraded health (null: never).</summary>
    public long? StaleAfterSeconds { get => _health.StaleAfter; set => _health.StaleAfter = value; }

    /// <summary>A poll began at <paramref name="now"/> (epoch seconds, the poll's clock).</summary>
    public void PollStarted(long now) => _health.PollStarted(now);

    /// <summary>A poll listed and read its inputs.</summary>
    public void PollSucceeded() => _health.PollSucceeded();

    /// <summary>A poll could not list or read its inputs; returns how many polls in a row have failed.</summary>
    public int PollFailed(string reason)
    {
        _pollErrors.Add(1);
        return _health.PollFailed(reason);
    }

    /// <summary>A file brought flow-log records.</summary>
    public void RecordsArrived() => _health.RecordsArrived();

    /// <summary>What the watch waits for before it can run (null once it runs).</summary>
    public void Waiting(string? reason) => _health.Waiting = reason;

    /// <summary>How many alerts are held for <paramref name="sink"/> after a delivery attempt.</summary>
    public void Held(string sink, int count) => _held[sink] = count;

    public void DeliveryFailed(string sink) =>
        _deliveryFailures.Add(1, new KeyValuePair<string, object?>("sink", sink));

    private IReadOnlyDictionary<string, long> Held() => _held.ToDictionary(p => p.Key, p => p.Value);

    private IEnumerable<Measurement<long>> HeldMeasurements() =>
        _held.Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>("sink", p.Key)));

    public long Files => Interlocked.Read(ref _fileCount);
    public long FailedFiles => Interlocked.Read(ref _failedCount);
    public long LateRecords => Interlocked.Read(ref _lateCount);
    public long WindowsClosed => Interlocked.Read(ref _windowCount);
    public long Alerts => Interlocked.Read(ref _alertCount);

    public void FileCounted(long bytes, long records, long counted, long badLines, long late, TimeSpan elapsed)
    {
        Interlocked.Increment(ref _fileCount);
        Interlocked.Add(ref _byteCount, Math.Max(0, bytes));
        Interlocked.Add(ref _lateCount, late);
        Interlocked.Add(ref _scanTicks, elapsed.Ticks);
        _files.Add(1);
        _bytes.Add(Math.Max(0, bytes));
        _records.Add(records);
        _counted.Add(counted);
        _badLines.Add(badLines);
        _late.Add(late);
    }

    public void FileFailed()
    {
        Interlocked.Increment(ref _failedCount);
        _failedFiles.Add(1);
    }

    /// <summary>An object skipped as not a flow log, labelled by <see cref="Records.SkipReasons.Label"/>.</summary>
    public void FileSkipped(Records.SkipReason reason)
    {
        Interlocked.Increment(ref _skippedCount);
        _skippedFiles.Add(1, new KeyValuePair<string, object?>("reason", Records.SkipReasons.Label(reason)));
    }

    public long SkippedFiles => Interlocked.Read(ref _skippedCount);

    public void FileChanged() => _changedFiles.Add(1);

    public void WindowClosed(long windowEnd, int alerts)
    {
        Interlocked.Increment(ref _windowCount);
        Interlocked.Add(ref _alertCount, alerts);
        Interlocked.Exchange(ref _committedUntil, windowEnd);
        _windows.Add(1);
        _alerts.Add(alerts);
    }

    public void Watermark(long value) => Interlocked.Exchange(ref _watermark, value);

    public void CommittedUntil(long value) => Interlocked.Exchange(ref _committedUntil, value);

    /// <summary>A gauge not yet known reports nothing, rather than a made-up zero.</summary>
    private static IEnumerable<Measurement<long>> Gauge(long value) =>
        value == long.MinValue ? [] : [new Measurement<long>(value)];

    private static IEnumerable<Measurement<long>> Gauge(long? value) =>
        value is { } v ? [new Measurement<long>(v)] : [];

    private IEnumerable<Measurement<long>> Lag()
    {
        long watermark = Interlocked.Read(ref _watermark), committed = Interlocked.Read(ref _committedUntil);
        return watermark == long.MinValue || committed == long.MinValue
            ? []
            : [new Measurement<long>(Math.Max(0, watermark - committed))];
    }

    private double ScanRate()
    {
        double seconds = TimeSpan.FromTicks(Interlocked.Read(ref _scanTicks)).TotalSeconds;
        return seconds > 0 ? Interlocked.Read(ref _byteCount) / seconds : 0;
    }

    public void Dispose() => _meter.Dispose();
}
