using System.Globalization;
using System.Text;

namespace FlowSpike.Watch;

/// <summary>Counters of a watch process, rendered in the Prometheus text format.</summary>
public sealed class WatchMetrics
{
    private long _files, _failedFiles, _changedFiles, _bytes, _records, _counted, _badLines, _lateRecords, _windows, _alerts, _scanTicks;
    private long _watermark = long.MinValue, _committedUntil = long.MinValue;

    public long Files => Interlocked.Read(ref _files);
    public long FailedFiles => Interlocked.Read(ref _failedFiles);
    public long LateRecords => Interlocked.Read(ref _lateRecords);
    public long WindowsClosed => Interlocked.Read(ref _windows);
    public long Alerts => Interlocked.Read(ref _alerts);

    public void FileCounted(long bytes, long records, long counted, long badLines, long late, TimeSpan elapsed)
    {
        Interlocked.Increment(ref _files);
        Interlocked.Add(ref _bytes, Math.Max(0, bytes));
        Interlocked.Add(ref _records, records);
        Interlocked.Add(ref _counted, counted);
        Interlocked.Add(ref _badLines, badLines);
        Interlocked.Add(ref _lateRecords, late);
        Interlocked.Add(ref _scanTicks, elapsed.Ticks);
    }

    public void FileFailed() => Interlocked.Increment(ref _failedFiles);

    public void FileChanged() => Interlocked.Increment(ref _changedFiles);

    public void WindowClosed(long windowEnd, int alerts)
    {
        Interlocked.Increment(ref _windows);
        Interlocked.Add(ref _alerts, alerts);
        Interlocked.Exchange(ref _committedUntil, windowEnd);
    }

    public void Watermark(long value) => Interlocked.Exchange(ref _watermark, value);

    public void CommittedUntil(long value) => Interlocked.Exchange(ref _committedUntil, value);

    public string Render()
    {
        var sb = new StringBuilder();
        void Metric(string name, string type, string help, double value)
        {
            sb.Append("# HELP flowspike_").Append(name).Append(' ').Append(help).Append('\n');
            sb.Append("# TYPE flowspike_").Append(name).Append(' ').Append(type).Append('\n');
            sb.Append("flowspike_").Append(name).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        Metric("files_total", "counter", "Input files counted.", Files);
        Metric("files_failed_total", "counter", "Input files that could not be read (recorded in the ledger).", FailedFiles);
        Metric("files_changed_total", "counter", "Files seen again with other content after being counted (ignored).", Interlocked.Read(ref _changedFiles));
        Metric("bytes_total", "counter", "Bytes of input read.", Interlocked.Read(ref _bytes));
        Metric("records_total", "counter", "Lines or records read.", Interlocked.Read(ref _records));
        Metric("blocked_outbound_records_total", "counter", "Blocked outbound records counted into open windows.", Interlocked.Read(ref _counted));
        Metric("bad_lines_total", "counter", "Malformed lines skipped.", Interlocked.Read(ref _badLines));
        Metric("late_records_total", "counter", "Blocked outbound records that arrived after their window closed (not applied).", LateRecords);
        Metric("windows_closed_total", "counter", "Detection windows closed and committed.", WindowsClosed);
        Metric("alerts_total", "counter", "Alerts raised.", Alerts);
        long watermark = Interlocked.Read(ref _watermark), committed = Interlocked.Read(ref _committedUntil);
        if (watermark != long.MinValue)
            Metric("watermark_seconds", "gauge", "Event time the data has reached (epoch seconds).", watermark);
        if (committed != long.MinValue)
            Metric("committed_until_seconds", "gauge", "End of the last committed window (epoch seconds).", committed);
        if (watermark != long.MinValue && committed != long.MinValue)
            Metric("lag_seconds", "gauge", "Event time between the watermark and the last committed window.", Math.Max(0, watermark - committed));
        double seconds = TimeSpan.FromTicks(Interlocked.Read(ref _scanTicks)).TotalSeconds;
        Metric("scan_bytes_per_second", "gauge", "Average scan throughput of counted files.", seconds > 0 ? Interlocked.Read(ref _bytes) / seconds : 0);
        return sb.ToString();
    }
}
