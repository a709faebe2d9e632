using System.Diagnostics.Metrics;

namespace FlowSpike.Watch;

/// <summary>
/// What a watch process has done, as System.Diagnostics.Metrics instruments on the "FlowSpike" meter, so any
/// OpenTelemetry exporter (Prometheus, OTLP) publishes them. Counters are named without "_total", which the
/// Prometheus exporter appends: flowspike_files becomes flowspike_files_total.
/// </summary>
public sealed class WatchMetrics : IDisposable
{
    public const string MeterName = "FlowSpike";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _files, _failedFiles, _skippedFiles, _changedFiles, _bytes, _records, _counted,
        _badLines, _late, _windows, _alerts;
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
            description: "Blocked outbound records that arrived after their window closed (not applied).");
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
    }

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
