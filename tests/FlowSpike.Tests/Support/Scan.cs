using FlowSpike.Aggregation;
using FlowSpike.Records;

namespace FlowSpike.Tests.Support;

/// <summary>Scans files with the production scanner over all time, for reader tests.</summary>
public static class Scan
{
    internal static ScanResult Files(IEnumerable<string> paths, TokenizerMode mode = TokenizerMode.Scalar,
        bool details = true, FlowLayout? layout = null, int bufferSize = 1 << 20, long segmentBytes = 64L << 20,
        int threads = 2, Selection.CidrSet? @internal = null, bool? inflateWhole = null, bool? smallFileReads = null) =>
        FlowScanner.Scan(InputSet.Expand(paths), new ScanOptions
        {
            From = 0,
            To = 4_000_000_000,
            WindowSeconds = 3600,
            KeepDetails = details,
            Mode = mode,
            FallbackLayout = layout ?? FlowLayout.Default,
            BufferSize = bufferSize,
            SegmentBytes = segmentBytes,
            Threads = threads,
            Internal = @internal ?? Selection.CidrSet.Default,
            InflateWhole = inflateWhole,
            SmallFileReads = smallFileReads,
        });

    internal static ScanResult Text(string text, TempDir dir, TokenizerMode mode = TokenizerMode.Scalar,
        FlowLayout? layout = null, int bufferSize = 1 << 20) =>
        Files([dir.Write("input-" + Guid.NewGuid().ToString("N") + ".log", text)], mode, true, layout, bufferSize);
}
