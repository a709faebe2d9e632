using FlowSpike.Records;
using FlowSpike.Time;

namespace FlowSpike.Watch;

/// <summary>
/// Files stamped before the open window, summed up in one line per poll rather than a warning each: those stamped
/// more than <see cref="InputSet.Slack"/> before it are skipped unread (once per run), the others read, with
/// their late records counted.
/// </summary>
internal sealed class OldFiles
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
