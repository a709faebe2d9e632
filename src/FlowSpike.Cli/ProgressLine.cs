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

    /// <summary>Clears the drawn line before a note, so the note starts at the left and the next tick redraws.</summary>
    public static void ClearForNote() => _current?.Clear();

    private void Clear()
    {
        lock (_gate)
        {
            if (!_drawn)
                return;
            Console.Error.Write("\r" + new string(' ', 100) + "\r");
            _drawn = false;
        }
    }

    private void Draw()
    {
        lock (_gate)
        {
            if (_progress.TotalItems == 0)
                return;
            double seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
            long done = _progress.BytesDone, total = Math.Max(1, _progress.TotalBytes);
            double rate = done / seconds;
            string eta = rate > 0 && done < total ? $"{TimeSpan.FromSeconds((total - done) / rate):mm\\:ss}" : "--:--";
            string line = $"scanning {_progress.ItemsDone}/{_progress.TotalItems} files, {done / 1e6:F0}/{total / 1e6:F0} MB, {_progress.Lines / seconds / 1e6:F2} M records/s, ETA {eta}";
            Console.Error.Write("\r" + line.PadRight(Math.Min(Console.BufferWidth > 0 ? Console.BufferWidth - 1 : 100, 120)));
            _drawn = true;
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        Clear();
        if (ReferenceEquals(_current, this))
            _current = null;
    }
}
