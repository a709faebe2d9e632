using System.Text;
using FlowSpike.State;

namespace FlowSpike.Alerts;

/// <summary>
/// Appends alert lines to a file and fsyncs them. It remembers the ids already in the file, so an alert re-delivered
/// after a crash (written, but not yet marked delivered) is not written twice.
/// </summary>
public sealed class JsonlFileSink : IAlertSink
{
    private const string IdPrefix = "{\"alert_id\":\"";
    private readonly FileStream _stream;
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    public JsonlFileSink(string path)
    {
        try
        {
            if (File.Exists(path))
            {
                foreach (string line in File.ReadLines(path))
                {
                    if (line.StartsWith(IdPrefix, StringComparison.Ordinal))
                    {
                        int end = line.IndexOf('"', IdPrefix.Length);
                        if (end > 0)
                            _written.Add(line[IdPrefix.Length..end]);
                    }
                }
            }
            _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            // A crash mid-line leaves a fragment; start the next alert on a fresh line.
            if (_stream.Length > 0 && LastByte(path) != (byte)'\n')
                _stream.WriteByte((byte)'\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{path}: cannot open the alert output: {e.Message}", e);
        }
    }

    public void Deliver(IReadOnlyList<PendingAlert> alerts)
    {
        foreach (var alert in alerts)
        {
            if (!_written.Add(alert.Id))
                continue;
            _stream.Write(Encoding.UTF8.GetBytes(alert.Body + "\n"));
        }
        _stream.Flush(flushToDisk: true);
    }

    public void Dispose() => _stream.Dispose();

    private static int LastByte(string path)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (f.Length == 0)
            return -1;
        f.Seek(-1, SeekOrigin.End);
        return f.ReadByte();
    }
}
