using System.Text;
using FlowSpike.State;

namespace FlowSpike.Alerts;

/// <summary>
/// Appends alerts to a file (or writes them to a text writer such as stdout), one per line, in any format, and fsyncs.
/// Before writing, it looks for each alert in the end of the file, so an alert written just before a crash (but not
/// yet marked delivered) is not written twice.
/// </summary>
public sealed class FileAlertSink : IAlertSink
{
    private const int TailBytes = 4 << 20;
    private readonly FileStream? _stream;
    private readonly TextWriter? _writer;
    private readonly AlertFormat _format;
    private readonly AsffOptions? _asff;
    private readonly string _tail = "";

    public FileAlertSink(string path, AlertFormat format = AlertFormat.Jsonl, AsffOptions? asff = null)
    {
        _format = format;
        _asff = asff;
        Name = "file:" + Path.GetFullPath(path);
        try
        {
            _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            if (_stream.Length > 0)
            {
                _tail = "\n" + ReadTail(path);
                // A crash mid-line leaves a fragment; start the next alert on a fresh line.
                if (!_tail.EndsWith('\n'))
                    Append("\n");
            }
            else if (format == AlertFormat.Csv)
            {
                Append(AlertCsv.Header + "\n");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _stream?.Dispose();
            throw new IOException($"{path}: cannot open the alert output: {e.Message}", e);
        }
    }

    /// <summary>Writes to standard output or another writer; nothing to deduplicate against.</summary>
    public FileAlertSink(TextWriter writer, AlertFormat format = AlertFormat.Jsonl, AsffOptions? asff = null)
    {
        _writer = writer;
        _format = format;
        _asff = asff;
        Name = "stdout";
        if (format == AlertFormat.Csv)
            writer.Write(AlertCsv.Header + "\n");
    }

    public string Name { get; }

    public void Deliver(IReadOnlyList<PendingAlert> alerts)
    {
        var sb = new StringBuilder();
        foreach (var pending in alerts)
        {
            if (_tail.Contains(AlertRendering.Marker(pending.Id, _format), StringComparison.Ordinal))
                continue;
            sb.Append(AlertRendering.Render(AlertJson.Parse(pending.Body), _format, _asff)).Append('\n');
        }
        Append(sb.ToString());
    }

    private void Append(string text)
    {
        if (_writer is not null)
        {
            _writer.Write(text);
            _writer.Flush();
            return;
        }
        _stream!.Write(Encoding.UTF8.GetBytes(text));
        _stream.Flush(flushToDisk: true);
    }

    public void Dispose() => _stream?.Dispose();

    private static string ReadTail(string path)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        long start = Math.Max(0, f.Length - TailBytes);
        f.Seek(start, SeekOrigin.Begin);
        var bytes = new byte[f.Length - start];
        f.ReadExactly(bytes);
        return Encoding.UTF8.GetString(bytes);
    }
}
