using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using FlowSpike.Aggregation;
using FlowSpike.Records;
using FlowSpike.Selection;
using FlowSpike.Synth;

namespace FlowSpike.Bench;

/// <summary>
/// The hot path on an in-memory buffer of synthetic default-format lines: tokenizing alone, and tokenize + select +
/// aggregate, per tokenizer path. Columns add MB/s and ns per record.
/// </summary>
[Config(typeof(ThroughputConfig))]
public class ParserBenchmarks
{
    private byte[] _data = [];
    private ScanAccumulator _accumulator = null!;
    private BlockedOutboundSelector _selector = null!;

    [Params(TokenizerMode.Scalar, TokenizerMode.Vector256, TokenizerMode.Vector512)]
    public TokenizerMode Mode { get; set; }

    /// <summary>About 100 MB of default-format lines, generated once and cached on disk (the host process reads it too,
    /// for the columns).</summary>
    public static readonly Lazy<byte[]> Data = new(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), "flowspike-bench-parser");
        if (!Directory.Exists(dir))
            FlowSynth.Generate(
                new SynthOptions
                {
                    Layout = SynthLayout.DefaultNoHeader,
                    Gzip = false,
                    Days = 2,
                    Hosts = 400,
                    RecordsPerHostHour = 300,
                    SpikeFromDay = 1
                }, dir);
        var bytes = new MemoryStream();
        var files = Directory.EnumerateFiles(Path.Combine(dir, "AWSLogs"), "*.log", SearchOption.AllDirectories);
        foreach (string f in files.Order(StringComparer.Ordinal))
        {
            bytes.Write(File.ReadAllBytes(f));
            if (bytes.Length > 100_000_000)
                break;
        }
        return bytes.ToArray();
    });

    [GlobalSetup]
    public void Setup()
    {
        _data = Data.Value;
        _selector = new BlockedOutboundSelector(CidrSet.Default);
    }

    private struct CountingHandler : ILineHandler
    {
        public long Fields;
        public void OnLine(ReadOnlySpan<byte> line, ReadOnlySpan<int> fieldEnds, int fieldCount) =>
            Fields += fieldCount;
    }

    [Benchmark]
    public long Tokenize()
    {
        var sink = new CountingHandler();
        LineTokenizer.Tokenize(_data, ref sink, Mode);
        return sink.Fields;
    }

    [Benchmark]
    public long TokenizeSelectAggregate()
    {
        _accumulator = new ScanAccumulator(0, 3600, keepDetails: false);
        var sink = new FlowRecordHandler(_accumulator, _selector, 0, long.MaxValue);
        sink.BeginSource("bench", FlowLayout.Default, 1);
        LineTokenizer.Tokenize(_data, ref sink, Mode);
        return _accumulator.Diagnostics.Counted;
    }

}

/// <summary>Adds MB/s and ns/record columns computed from the mean time and the data set size.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    private static long Bytes => ParserBenchmarks.Data.Value.Length;
    private static long Records => ParserBenchmarks.Data.Value.AsSpan().Count((byte)'\n');

    public ThroughputConfig()
    {
        AddJob(Job.ShortRun.WithWarmupCount(2).WithIterationCount(5));
        AddColumn(new DerivedColumn("MB/s", s => Bytes / 1e6 / (s.ResultStatistics!.Mean / 1e9)));
        AddColumn(new DerivedColumn("ns/record", s => s.ResultStatistics!.Mean / Math.Max(1, Records)));
    }

    private sealed class DerivedColumn(string name, Func<BenchmarkReport, double> value) : IColumn
    {
        public string Id => name;
        public string ColumnName => name;
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => name;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            var report = summary[benchmarkCase];
            return report?.ResultStatistics is null ? "-"
                : value(report).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            GetValue(summary, benchmarkCase);
    }
}
