using System.Text;
using FlowSpike.Alerts;
using FlowSpike.State;

namespace FlowSpike.Delivery;

/// <summary>
/// Appends alerts to a file (or writes them to a text writer such as stdout), one whole line each, in any format. A
/// batch is written and fsynced before it counts as delivered; a write that fails (a full disk) is cut back off, and a
/// torn last line left by a crash is removed before the next write, so the file always holds whole lines. Before
/// writing, it looks for each alert in the end of the file, so an alert written just before a crash (but not yet
/// marked delivered) is not written twice.
/// </summary>
internal sealed class FileAlertSink : IAlertSink
{
    private const int TailBytes = 4 << 20;
    private readonly string? _path;
    private readonly TextWriter? _writer;
    private readonly AlertFormat _format;
    private readonly AsffOptions? _asff;
    private FileStream? _stream;
    private string _tail = "";
    private bool _headerDue;
    private int _generation;

    public FileAlertSink(string path, AlertFormat format = AlertFormat.Jsonl, AsffOptions? asff = null)
    {
        _path = path;
        _format = format;
        _asff = asff;
        Name = SinkName.Of("file", Path.GetFullPath(path));
    }

    /// <summary>Writes to standard output or another writer; nothing to deduplicate against.</summary>
    public FileAlertSink(TextWriter writer, AlertFormat format = AlertFormat.Jsonl, AsffOptions? asff = null)
    {
        _writer = writer;
        _format = format;
        _asff = asff;
        Name = "stdout";
        _headerDue = format == AlertFormat.Csv;
    }

    public string Name { get; }

    /// <summary>Makes every file sink reopen its path before its next write (SIGHUP, after a log rotation).</summary>
    public static void ReopenAll() => AppendOnlyFile.NextGeneration();

    /// <summary>Told when a torn last line is removed.</summary>
    public Action<string>? Warn { get; init; }

    public void Check()
    {
        if (_path is null)
            return;
        string full = Path.GetFullPath(_path);
        if (Directory.Exists(full))
            throw new IOException($"{_path}: cannot write alerts: it is a folder");
        string? dir = Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir))
            throw new IOException($"{_path}: cannot write alerts: the folder {dir} does not exist");
        if (File.Exists(full))
        {
            try
            {
                using var probe = new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"{_path}: cannot write alerts: {e.Message}", e);
            }
        }
    }

    public void Ready() => Open();

    public void Deliver(IReadOnlyList<OutboxAlert> alerts, DeliveryReceipt receipt)
    {
        if (alerts.Count == 0)
            return;
        ReopenIfRotated();
        Open();
        var sb = new StringBuilder();
        if (_headerDue)
            sb.Append(AlertCsv.Header).Append('\n');
        foreach (var pending in alerts)
        {
            if (_tail.Contains(AlertRendering.Marker(pending.Id, _format), StringComparison.Ordinal))
                continue;
            sb.Append(AlertRendering.Render(AlertJson.Parse(pending.Body), _format, _asff)).Append('\n');
        }
        Append(sb.ToString());
        _headerDue = false;
        receipt.Deliver([.. alerts.Select(a => a.Id)]);
    }

    private void Open()
    {
        if (_writer is not null || _stream is not null)
            return;
        try
        {
            // Repair and read the tail with a handle of its own, then append with O_APPEND (unbuffered: a failed write
            // leaves nothing behind in a buffer to be flushed later).
            _generation = AppendOnlyFile.Generation;
            using (var check = new FileStream(_path!, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite,
                bufferSize: 0))
            {
                RepairTornLine(check);
                _tail = "\n" + ReadTail(check);
            }
            _stream = AppendOnlyFile.Open(_path!);
            if (_format == AlertFormat.Csv && _stream.Length == 0)
                Append(AlertCsv.Header + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _stream?.Dispose();
            _stream = null;
            throw new IOException($"{_path}: cannot open the alert output: {e.Message}", e);
        }
    }

    /// <summary>A crash mid-write leaves a line without its newline: drop it (its alert was never marked
    /// delivered).</summary>
    private void RepairTornLine(FileStream f)
    {
        long length = f.Length;
        if (length == 0)
            return;
        var buffer = new byte[64 * 1024];
        long end = length;
        while (end > 0)
        {
            int n = (int)Math.Min(buffer.Length, end);
            f.Seek(end - n, SeekOrigin.Begin);
            f.ReadExactly(buffer, 0, n);
            int newline = Array.LastIndexOf(buffer, (byte)'\n', n - 1, n);
            if (newline >= 0)
            {
                end = end - n + newline + 1;
                break;
            }
            end -= n;
        }
        if (end == length)
            return;
        f.SetLength(end);
        f.Flush(flushToDisk: true);
        Warn?.Invoke($"{_path}: removed a torn last line ({length - end} bytes) left by an interrupted write");
    }

    private void Append(string text)
    {
        if (_writer is not null)
        {
            _writer.Write(text);
            _writer.Flush();
            return;
        }
        long before = _stream!.Length;
        try
        {
            _stream.Write(Encoding.UTF8.GetBytes(text));
            _stream.Flush(flushToDisk: true);
        }
        catch (IOException e)
        {
            // Cut off what part of the batch reached the file, so no half line stays behind.
            try
            {
                _stream.SetLength(before);
                _stream.Flush(flushToDisk: true);
            }
            catch (IOException)
            {
                // The next run repairs the torn line.
            }
            _stream.Dispose();
            _stream = null;
            throw new IOException($"{_path}: cannot write alerts: {e.Message}", e);
        }
    }

    /// <summary>
    /// Closes the file when logrotate moved it away (the path is gone or is another file: its length is not ours) or
    /// SIGHUP asked, so the next write opens the path anew. copytruncate needs nothing: O_APPEND writes at the end.
    /// </summary>
    private void ReopenIfRotated()
    {
        if (_stream is null)
            return;
        bool asked = _generation != AppendOnlyFile.Generation;
        var now = new FileInfo(_path!);
        if (!asked && now.Exists && now.Length == _stream.Length)
            return;
        _stream.Dispose();
        _stream = null;
    }

    public void Dispose() => _stream?.Dispose();

    private static string ReadTail(FileStream f)
    {
        long start = Math.Max(0, f.Length - TailBytes);
        f.Seek(start, SeekOrigin.Begin);
        var bytes = new byte[f.Length - start];
        f.ReadExactly(bytes);
        return Encoding.UTF8.GetString(bytes);
    }
}
