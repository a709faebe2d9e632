using FlowSpike.Aggregation;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Records;

/// <summary>Reading a plain file as parallel line-aligned segments gives exactly what reading it whole gives.</summary>
public class SegmentTests
{
    private const long T = 1_700_000_000;

    private static string Build(bool header, int lines, int seed)
    {
        var rng = new Random(seed);
        var f = new FlowLines(header);
        for (int i = 0; i < lines; i++)
        {
            if (i % 97 == 13)
                f.Raw("malformed " + i);
            else
                f.Add(T + rng.Next(7200), "10.0." + rng.Next(3) + "." + rng.Next(1, 20), "8.8." + rng.Next(4) + ".8",
                    rng.Next(3) == 0 ? "ACCEPT" : "REJECT", "eni-" + rng.Next(3));
        }
        return f.ToString();
    }

    private static string Fingerprint(ScanResult r) =>
        string.Join(";", r.Partial.Windows.OrderBy(w => w.Key).SelectMany(w => w.Value.OrderBy(s => s.Key).Select(s =>
            $"{w.Key}/{s.Key}={s.Value.Count}" +
            $"[{string.Join(",", s.Value.Destinations!.Order(StringComparer.Ordinal))}]" +
            $"[{string.Join(",", s.Value.Interfaces!.Order(StringComparer.Ordinal))}]")));

    public static TheoryData<bool, int, int> Cases() => new()
    {
        { true, 100, 2 }, { false, 100, 2 }, { true, 333, 2 }, { true, 1000, 1 }, { false, 4096, 2 }, { true, 7, 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Segments_equal_a_whole_read(bool header, int segmentBytes, int threads)
    {
        using var dir = new TempDir();
        string path = dir.Write("big.log", Build(header, 3000, segmentBytes));
        var whole = Scan.Files([path], threads: 1);
        foreach (var mode in Modes.List())
        {
            var split = Scan.Files([path], mode, segmentBytes: segmentBytes, threads: Math.Max(2, threads));
            Assert.Equal(Fingerprint(whole), Fingerprint(split));
            Assert.Equal(whole.Diagnostics.Lines, split.Diagnostics.Lines);
            Assert.Equal(whole.Diagnostics.Counted, split.Diagnostics.Counted);
            Assert.Equal(whole.Diagnostics.Malformed, split.Diagnostics.Malformed);
            Assert.Equal(whole.Diagnostics.MalformedSamples, split.Diagnostics.MalformedSamples);
            Assert.Equal(1, split.Diagnostics.Files);
        }
    }

    [Fact]
    public void Malformed_line_numbers_are_file_line_numbers_across_segments()
    {
        using var dir = new TempDir();
        var f = new FlowLines();
        for (int i = 0; i < 500; i++)
            f.Add(T, "10.0.0.1", "8.8.8.8");
        f.Raw("broken"); // line 502: header + 500 records before it
        string path = dir.Write("f.log", f.ToString());
        var r = Scan.Files([path], segmentBytes: 5000);
        Assert.Equal([$"{path}:502: expected 14 fields, found 1"], r.Diagnostics.MalformedSamples);
    }
}
