using FlowSpike.Records;

namespace FlowSpike.Aggregation;

/// <summary>
/// What a scan saw besides the counted records: line totals, malformed lines (with the first few located), skipped
/// records.
/// </summary>
internal sealed class ScanDiagnostics
{
    public const int MaxSamples = 5;

    private readonly List<MalformedSample> _samples = [];
    private readonly Dictionary<(string Source, int Segment), long> _segmentLines = [];
    private readonly Dictionary<(string Source, int Segment), int> _samplesPerSegment = [];
    private List<string>? _located;

    public long Files { get; set; }
    public long Bytes { get; set; }
    public long Lines { get; set; }
    public long Counted { get; set; }
    public long Malformed { get; set; }
    public long OutOfRange { get; set; }
    /// <summary>Counted-kind records dated before the scan's range (in watch mode: late for a closed window).</summary>
    public long Early { get; set; }
    /// <summary>The latest start among the records that reached the time test, or null.</summary>
    public long? MaxStart { get; set; }
    public TimeSpan Elapsed { get; set; }

    /// <summary>Objects skipped as not flow logs (with SkipUnsupported, or in watch).</summary>
    public List<SkippedObject> Skipped { get; } = [];

    /// <summary>Lines (or typed records) that parsed as flow-log records, whatever their action or address.</summary>
    public long Parsed { get; set; }

    /// <summary>
    /// Flow-log records of any kind per window start within the scan's range: silence told from data.
    /// </summary>
    public Dictionary<long, long> RecordsByWindow { get; } = [];

    /// <summary>Lines read and lines that parsed, per input (by its path as given).</summary>
    public Dictionary<string, (long Lines, long Parsed)> PerFile { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds what one input (or one segment of it) read.</summary>
    public void AddFile(string source, long lines, long parsed)
    {
        var (l, p) = PerFile.GetValueOrDefault(source);
        PerFile[source] = (l + lines, p + parsed);
    }

    /// <summary>The first malformed lines, in file and line order, as "file:line: reason".</summary>
    public IReadOnlyList<string> MalformedSamples => _located ??= Locate();

    public void AddMalformed(string source, int segment, long line, string reason)
    {
        Malformed++;
        // Keep the first few of every segment, so the global first few survive whatever thread read which part.
        var key = (source, segment);
        int kept = _samplesPerSegment.GetValueOrDefault(key);
        if (kept >= MaxSamples)
            return;
        _samplesPerSegment[key] = kept + 1;
        _samples.Add(new MalformedSample(source, segment, line, reason));
        _located = null;
    }

    /// <summary>Records an object skipped as not a flow log; its lines, all malformed, are no longer counted as
    /// such.</summary>
    public void Skip(SkippedObject skipped, long malformedLines)
    {
        Skipped.Add(skipped);
        Malformed = Math.Max(0, Malformed - malformedLines);
        _samples.RemoveAll(s => s.Source == skipped.Source);
        _located = null;
    }

    /// <summary>
    /// Records the last line number a segment of a split file reached, to turn its local numbers into file line
    /// numbers.
    /// </summary>
    public void EndSegment(string source, int segment, long lastLine) => _segmentLines[(source, segment)] = lastLine;

    public void Merge(ScanDiagnostics other)
    {
        Files += other.Files;
        Bytes += other.Bytes;
        Lines += other.Lines;
        Counted += other.Counted;
        Malformed += other.Malformed;
        OutOfRange += other.OutOfRange;
        Early += other.Early;
        if (other.MaxStart is { } m && (MaxStart is null || m > MaxStart))
            MaxStart = m;
        Parsed += other.Parsed;
        Skipped.AddRange(other.Skipped);
        foreach (var (w, n) in other.RecordsByWindow)
            RecordsByWindow[w] = RecordsByWindow.GetValueOrDefault(w) + n;
        foreach (var (f, (l, p)) in other.PerFile)
            AddFile(f, l, p);
        _samples.AddRange(other._samples);
        foreach (var (k, v) in other._segmentLines)
            _segmentLines[k] = v;
        _located = null;
    }

    private List<string> Locate()
    {
        var located = new List<MalformedSample>(_samples.Count);
        foreach (var s in _samples)
        {
            long line = s.Line;
            for (int j = 0; j < s.Segment; j++)
                line += _segmentLines.GetValueOrDefault((s.Source, j));
            located.Add(s with { Line = line });
        }
        located.Sort((a, b) =>
            a.Source != b.Source ? string.CompareOrdinal(a.Source, b.Source) : a.Line.CompareTo(b.Line));
        return [.. located.Take(MaxSamples).Select(s => s.ToString())];
    }
}
