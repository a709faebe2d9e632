using System.Diagnostics;
using FlowSpike.Aggregation;

namespace FlowSpike.Cli;

/// <summary>
/// A one-line progress display on stderr (files, bytes, records/s, ETA) while a scan runs, only when stderr is a
/// terminal: logs and pipes stay clean.
/// </summary>
internal sealed class ProgressLine : IDisposable
{
    private readonly ScanProgress _progress;
    private readonly Timer? _timer;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private bool _drawn;
    private static ProgressLine? _current;

    private ProgressLine(ScanProgress progress, bool enabled)
    {
        _progress = progress;
        if (enabled)
            _timer = new Timer(_ => Draw(), null, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500));
    }

    public static ProgressLine Start(ScanProgress progress, bool quiet)
    {
        var line = new ProgressLine(progress, !quiet && !StderrLog.Json && !Console.IsErrorRedirected);
        _current = line;
        return line;
    }

    /// <summary>
    /// Writes a note on a line of its own: the progress line is cleared first, and no tick can draw between the
    /// clearing and the note.
    /// </summary>
    public static void Note(Action write)
    {
        if (_current is not { } line)
        {
            write();
            return;
        }
        lock (line._gate)
        {
            line.ClearLocked();
            write();
        }
    }

    private void Clear()
    {
        lock (_gate)
            ClearLocked();
    }

    private void ClearLocked()
    {
        if (!_drawn)
            return;
        Console.Error.Write("\r" + new string(' ', Width) + "\r");
        _drawn = false;
    }

    private static int Width => Math.Min(Console.BufferWidth > 0 ? Console.BufferWidth - 1 : 100, 120);

    private void Draw()
    {
        lock (_gate)
        {
            if (_progress.TotalItems == 0 || _progress.Finished)
                return;
            Console.Error.Write("\r" + Text(_progress, _clock.Elapsed).PadRight(Width));
            _drawn = true;
        }
    }

    /// <summary>
    /// The line: items finished, bytes read (of the listed total when sizes are known; standard input has none),
    /// records per second, and the time left at the rate so far.
    /// </summary>
    internal static string Text(ScanProgress progress, TimeSpan elapsed)
    {
        double seconds = Math.Max(elapsed.TotalSeconds, 0.001);
        long total = progress.TotalBytes, done = total > 0 ? Math.Min(progress.BytesDone, total) : progress.BytesDone;
        double rate = done / seconds;
        string eta = total > 0 && rate > 0 && done < total
            ? $"{TimeSpan.FromSeconds((total - done) / rate):mm\\:ss}"
            : "--:--";
        string bytes = total > 0 ? $"{done / 1e6:F0}/{total / 1e6:F0} MB" : $"{done / 1e6:F0} MB";
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"scanning {progress.ItemsDone}/{progress.TotalItems} files, {bytes}, "
            + $"{progress.Lines / seconds / 1e6:F2} M records/s, ETA {eta}");
    }

    public void Dispose()
    {
        _timer?.Dispose();
        Clear();
        if (ReferenceEquals(_current, this))
            _current = null;
    }
}
