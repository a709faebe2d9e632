using FlowSpike.Aggregation;
using FlowSpike.Records;

namespace FlowSpike.Runs;

/// <summary>Turns scan diagnostics into the short notes a user reads on stderr.</summary>
internal static class RunReport
{
    /// <summary>How many objects to name one by one; the rest are counted.</summary>
    public const int NamedSkips = 10;

    /// <summary>Names each object skipped as not a flow log (the first few), then counts them by reason.</summary>
    public static void Skipped(IReadOnlyList<SkippedObject> skipped, IRunLog log)
    {
        if (skipped.Count == 0)
            return;
        var sorted = skipped.OrderBy(s => s.Source, StringComparer.Ordinal).ToList();
        foreach (var s in sorted.Take(NamedSkips))
            log.Warn($"{s.Message}; skipped");
        var byReason = sorted.GroupBy(s => s.Reason).OrderBy(g => g.Key)
            .Select(g => $"{SkipReasons.Words(g.Key)}: {g.Count()}");
        string more = sorted.Count > NamedSkips ? $" ({sorted.Count - NamedSkips} not named above)" : "";
        log.Warn($"{sorted.Count} object(s) skipped as not flow logs " +
            $"({Setting.Name(nameof(JobSettings.SkipUnsupported))}): " +
            $"{string.Join(", ", byReason)}{more}");
    }

    public static void Scan(ScanDiagnostics d, IRunLog log)
    {
        double seconds = Math.Max(d.Elapsed.TotalSeconds, 1e-6);
        log.Info($"scanned {d.Files} file(s), {d.Lines} line(s) in {seconds:F2} s "
            + $"({d.Bytes / 1e6 / seconds:F0} MB/s of input); {d.Counted} blocked outbound record(s) counted");
        Skipped(d.Skipped, log);
        if (d.Malformed > 0)
        {
            log.Warn($"{d.Malformed} malformed line(s) skipped; first ones:");
            foreach (string s in d.MalformedSamples)
                log.Warn("  " + s);
        }
    }
}
