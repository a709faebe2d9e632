namespace FlowSpike.Aggregation;

/// <summary>What a scan saw besides the counted records: line totals, malformed lines (with the first few located), skipped records.</summary>
public sealed class ScanDiagnostics
{
    public const int MaxSamples = 5;

    public long Files { get; set; }
    public long Bytes { get; set; }
    public long Lines { get; set; }
    public long Counted { get; set; }
    public long Malformed { get; set; }
    public long OutOfRange { get; set; }
    public List<string> MalformedSamples { get; } = [];

    public void AddMalformed(string source, long line, string reason)
    {
        Malformed++;
        if (MalformedSamples.Count < MaxSamples)
            MalformedSamples.Add($"{source}:{line}: {reason}");
    }

    public void Merge(ScanDiagnostics other)
    {
        Files += other.Files;
        Bytes += other.Bytes;
        Lines += other.Lines;
        Counted += other.Counted;
        Malformed += other.Malformed;
        OutOfRange += other.OutOfRange;
        foreach (string s in other.MalformedSamples)
        {
            if (MalformedSamples.Count < MaxSamples)
                MalformedSamples.Add(s);
        }
    }
}
