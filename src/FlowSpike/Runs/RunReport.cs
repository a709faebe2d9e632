using FlowSpike.Aggregation;

namespace FlowSpike.Runs;

/// <summary>Turns scan diagnostics into the short notes a user reads on stderr.</summary>
internal static class RunReport
{
    public static void Scan(ScanDiagnostics d, IRunLog log)
    {
        double seconds = Math.Max(d.Elapsed.TotalSeconds, 1e-6);
        log.Info($"scanned {d.Files} file(s), {d.Lines} line(s) in {seconds:F2} s "
            + $"({d.Bytes / 1e6 / seconds:F0} MB/s of input); {d.Counted} blocked outbound record(s) counted");
        if (d.Unsupported.Count > 0)
        {
            var first = d.Unsupported.Order(StringComparer.Ordinal).First();
            log.Warn($"{d.Unsupported.Count} unsupported object(s) skipped ({Setting.Name("SkipUnsupported")}); " +
                $"first: {first}");
        }
        if (d.Malformed > 0)
        {
            log.Warn($"{d.Malformed} malformed line(s) skipped; first ones:");
            foreach (string s in d.MalformedSamples)
                log.Warn("  " + s);
        }
    }
}
