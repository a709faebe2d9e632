using System.Text;
using DuckDB.NET.Data;
using FlowSpike.Aggregation;
using FlowSpike.Records;
using FlowSpike.Records.Parquet;
using FlowSpike.Synth;
using FlowSpike.Tests.Support;
using Parquet;
using Parquet.Schema;

namespace FlowSpike.Tests.Records;

/// <summary>
/// The query's own Parquet page reader against its reference (Parquet.Net): the footer against Parquet.Net's
/// metadata, every record handed over against the reference's, and whole scans with the dictionary skips on, over
/// files from Parquet.Net's writer and DuckDB's (several codecs, row groups, pages, nulls and odd values), synth's S3
/// Parquet and OCSF, and Security Lake's own samples.
/// </summary>
public class ParquetPageReaderTests
{
    /// <summary>
    /// Writes every call a reader makes, as text; no skips, details wanted. Of a record that is not REJECT only the
    /// start counts (<see cref="IRecordHandler.OnRecord"/>).
    /// </summary>
    private struct Recorder(List<string> calls) : IRecordHandler
    {
        public readonly void BeginSource(string source, FlowLayout layout, long firstLine) => calls.Add("begin");

        public readonly void OnLine(ReadOnlySpan<byte> line, ReadOnlySpan<int> fieldEnds, int fieldCount) =>
            calls.Add("line");

        public readonly void OnOverlongLine(long lineNumber) => calls.Add("overlong");

        public readonly void OnRecord(bool reject, ReadOnlySpan<byte> src, ReadOnlySpan<byte> dst, long? start,
            ReadOnlySpan<byte> interfaceId, ReadOnlySpan<byte> account, ReadOnlySpan<byte> vpc) =>
            calls.Add(!reject
                ? $"not REJECT|{start?.ToString() ?? "null"}"
                : $"REJECT|{A(src)}|{A(dst)}|{start?.ToString() ?? "null"}|{A(interfaceId)}|{A(account)}|{A(vpc)}");

        public readonly void OnMalformedRecord(string reason) => calls.Add("malformed " + reason);

        public readonly int PrefilterSource(ReadOnlySpan<byte> src, out uint ipv4)
        {
            ipv4 = 0;
            return IRecordHandler.HandOver;
        }

        public readonly void OnUnselected(long? start) => calls.Add($"not REJECT|{start?.ToString() ?? "null"}");

        public readonly bool TryMarkAll(long rows, long minStart, long maxStart) => false;

        public readonly void EndMarked()
        {
        }

        public readonly int PrefilterDestination(ReadOnlySpan<byte> dst, out uint ipv4) =>
            throw new InvalidOperationException("no source passes here");

        public readonly void OnSelected(uint src, ReadOnlySpan<byte> srcText, int destinationKind, uint dst,
            ReadOnlySpan<byte> dstText, long? start, ReadOnlySpan<byte> interfaceId, ReadOnlySpan<byte> account,
            ReadOnlySpan<byte> vpc) => throw new InvalidOperationException("no source passes here");

        public readonly bool WantsDetails => true;

        private static string A(ReadOnlySpan<byte> s) => Encoding.Latin1.GetString(s);
    }

    private static List<string> Calls(string file, bool pages)
    {
        var calls = new List<string>();
        var sink = new Recorder(calls);
        using var stream = File.OpenRead(file);
        if (pages)
            Assert.True(ParquetQueryReader.TryRead(stream, file, ref sink), $"{file}: declined by the page reader");
        else
            ParquetFlowReader.ReadReference(stream, file, ref sink);
        return calls;
    }

    private static readonly string?[] Addresses =
    [
        "10.0.0.1", "10.0.0.2", "172.16.5.4", "172.32.0.1", "192.168.1.1", "8.8.8.8", "203.0.113.9", "", null, "-",
        "::1", "fd00::1", "2001:db8::1", "10.0.0.\u00e9", new string('1', 70), "10.1.2.3.4", "10.0.0.256", "1.2.3",
    ];

    private static readonly string?[] Actions = ["REJECT", "ACCEPT", "-", null, "reject", "", "REJECTED"];

    /// <summary>Rows mixing dictionary-friendly and unique values, nulls and values the reference empties.</summary>
    private static Dictionary<string, object> EdgeColumns(int rows, int seed)
    {
        var rng = new Random(seed);
        string? Address() => rng.Next(3) == 0
            ? $"{(rng.Next(2) == 0 ? 10 : rng.Next(1, 224))}.{rng.Next(256)}.{rng.Next(256)}.{rng.Next(256)}"
            : Addresses[rng.Next(Addresses.Length)];
        string? Maybe(string value) => rng.Next(10) == 0 ? null : value;
        var columns = new Dictionary<string, object>
        {
            ["srcaddr"] = Enumerable.Range(0, rows).Select(_ => Address()).ToArray(),
            ["dstaddr"] = Enumerable.Range(0, rows).Select(_ => Address()).ToArray(),
            ["action"] = Enumerable.Range(0, rows)
                .Select(_ => rng.Next(2) == 0 ? "REJECT" : Actions[rng.Next(Actions.Length)]).ToArray(),
            ["start"] = Enumerable.Range(0, rows)
                .Select(i => rng.Next(40) == 0 ? (long?)null : rng.Next(60) == 0 ? -rng.Next(5000)
                    : 1_790_812_800L + rng.Next(4 * 86400)).ToArray(),
            ["interface_id"] = Enumerable.Range(0, rows)
                .Select(_ => Maybe(rng.Next(8) == 0 ? "-" : $"eni-{rng.Next(20):x17}")).ToArray(),
            ["account_id"] = Enumerable.Range(0, rows).Select(_ => Maybe($"{rng.Next(3):D12}")).ToArray(),
            ["vpc_id"] = Enumerable.Range(0, rows).Select(_ => Maybe($"vpc-{rng.Next(4):x8}")).ToArray(),
        };
        return columns;
    }

    private static async Task WriteParquetNet(string path, Dictionary<string, object> columns, CompressionMethod codec,
        int rowGroup, bool intStart = false)
    {
        var fields = columns.Keys.Select(k => k == "start"
            ? intStart ? (DataField)new DataField<int?>(k) : new DataField<long?>(k)
            : new DataField<string>(k)).ToArray();
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream,
            new ParquetOptions { CompressionMethod = codec });
        int rows = ((Array)columns["srcaddr"]).Length;
        for (int at = 0; at < rows; at += rowGroup)
        {
            int n = Math.Min(rowGroup, rows - at);
            using var group = writer.CreateRowGroup();
            foreach (var field in fields)
            {
                if (field.Name != "start")
                    await group.WriteAsync(field, ((string?[])columns[field.Name])[at..(at + n)], null);
                else if (intStart)
                    await group.WriteAsync(field, (ReadOnlyMemory<int?>)((long?[])columns["start"])[at..(at + n)]
                        .Select(v => (int?)v).ToArray());
                else
                    await group.WriteAsync(field, (ReadOnlyMemory<long?>)((long?[])columns["start"])[at..(at + n)]);
            }
        }
    }

    /// <summary>DuckDB's writer over the same rows: its own row groups, pages and encodings.</summary>
    private static void WriteDuckDb(string from, string to, string codec, int rowGroup)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var c = connection.CreateCommand();
        c.CommandText = $"COPY (SELECT * FROM read_parquet('{from}')) TO '{to}' "
            + $"(FORMAT parquet, COMPRESSION {codec}, ROW_GROUP_SIZE {rowGroup})";
        c.ExecuteNonQuery();
    }

    private static List<string> EdgeFiles(TempDir dir)
    {
        var files = new List<string>();
        var small = EdgeColumns(5_000, 28);
        foreach (var codec in new[] { CompressionMethod.Gzip, CompressionMethod.Snappy, CompressionMethod.Zstd,
            CompressionMethod.None })
        {
            string path = dir.File($"net-{codec}.parquet");
            WriteParquetNet(path, small, codec, 1_700).GetAwaiter().GetResult();
            files.Add(path);
        }
        string ints = dir.File("net-int-start.parquet");
        WriteParquetNet(ints, small, CompressionMethod.Snappy, 2_000, intStart: true).GetAwaiter().GetResult();
        files.Add(ints);
        // Enough rows for DuckDB to write several pages per column chunk.
        string large = dir.File("net-large.parquet");
        WriteParquetNet(large, EdgeColumns(300_000, 29), CompressionMethod.Snappy, 300_000).GetAwaiter().GetResult();
        foreach (string codec in new[] { "snappy", "gzip", "zstd", "uncompressed" })
        {
            string path = dir.File($"duck-{codec}.parquet");
            WriteDuckDb(files[0], path, codec, 1_000);
            files.Add(path);
        }
        string pages = dir.File("duck-pages.parquet");
        WriteDuckDb(large, pages, "snappy", 200_000);
        files.Add(pages);
        // Several pages per chunk, dictionary and PLAIN pages in turn, V1 and V2 pages (DuckDB and Parquet.Net write
        // one page per chunk here).
        var paged = EdgeColumns(20_000, 30);
        foreach (int codec in new[] { 0, 1 })
        {
            string path = dir.File($"paged-{codec}.parquet");
            PagedParquetWriter.Write(path,
                [(string?[])paged["srcaddr"], (string?[])paged["dstaddr"], (string?[])paged["action"]],
                (long?[])paged["start"], 3_000, codec);
            files.Add(path);
        }
        return files;
    }

    /// <summary>Security Lake's OCSF layouts (1.0.0-rc.2 and 1.1.0), as Support/SecurityLakeParquet writes them.
    /// </summary>
    private static IEnumerable<string> SecurityLakeSamples(TempDir dir) =>
        Enum.GetValues<LakeOcsf>().Select(version =>
        {
            string path = dir.File($"lake-{version}.parquet");
            SecurityLakeParquet.Write(path, version, SecurityLakeParquetTests.Rows);
            return path;
        }).ToList();

    [Fact]
    public async Task The_footer_reads_as_Parquet_Net_reads_it()
    {
        using var dir = new TempDir();
        foreach (string file in EdgeFiles(dir).Concat(SecurityLakeSamples(dir)))
        {
            var bytes = File.ReadAllBytes(file);
            int size = BitConverter.ToInt32(bytes, bytes.Length - 8);
            var footer = ParquetFooter.Parse(bytes.AsSpan(bytes.Length - 8 - size, size));
            using var stream = File.OpenRead(file);
            await using var reader = await ParquetReader.CreateAsync(stream,
                cancellationToken: TestContext.Current.CancellationToken);
            // Leaves inside lists and maps are named differently by Parquet.Net; the reader never reads them.
            var fields = reader.Schema.GetDataFields().Where(f => f.MaxRepetitionLevel == 0).ToArray();
            var flat = footer.Leaves.Select((l, i) => (Leaf: l, Index: i)).Where(l => l.Leaf.MaxRepetition == 0)
                .ToArray();
            Assert.Equal(fields.Select(f => string.Join('.', f.Path.ToList())), flat.Select(l => l.Leaf.Path));
            Assert.Equal(fields.Select(f => f.MaxDefinitionLevel), flat.Select(l => l.Leaf.MaxDefinition));
            Assert.Equal(reader.RowGroupCount, footer.RowGroups.Count);
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                Assert.Equal(group.RowCount, footer.RowGroups[g].Rows);
                for (int c = 0; c < fields.Length; c++)
                {
                    var meta = group.GetMetadata(fields[c])!;
                    var chunk = footer.RowGroups[g].Chunks[flat[c].Index];
                    Assert.Equal(meta.MetaData!.TotalCompressedSize, chunk.CompressedSize);
                    Assert.Equal((int)meta.MetaData.Codec, chunk.Codec);
                    Assert.Equal(meta.MetaData.DataPageOffset, chunk.DataPageOffset);
                }
            }
        }
    }

    [Fact]
    public void Every_record_is_handed_over_as_the_reference_hands_it_over()
    {
        using var dir = new TempDir();
        var files = EdgeFiles(dir);
        string ocsf = dir.File("ocsf");
        FlowContainers.ConvertTree(SynthData.Get(SynthLayout.DefaultWithHeader).Logs, ocsf, FlowContainer.Ocsf);
        files.AddRange(Directory.EnumerateFiles(ocsf, "*.parquet", SearchOption.AllDirectories).Take(20));
        files.AddRange(SecurityLakeSamples(dir));
        foreach (string file in files)
        {
            var bytes = File.ReadAllBytes(file);
            int size = BitConverter.ToInt32(bytes, bytes.Length - 8);
            Assert.True(ParquetQueryMap.TryCreate(ParquetFooter.Parse(bytes.AsSpan(bytes.Length - 8 - size, size)),
                out _, out string? declined), $"{file}: declined ({declined})");
            var expected = Calls(file, pages: false);
            var actual = Calls(file, pages: true);
            Assert.True(expected.Count > 1, $"{file}: no records");
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
                Assert.True(expected[i] == actual[i], $"{file} call {i}: expected {expected[i]}, got {actual[i]}");
        }
        Assert.True(ColumnReader.MostPagesInAChunk > 1, "no test file has a column chunk of several pages");
    }

    private static string Fingerprint(ScanResult r)
    {
        var d = r.Diagnostics;
        string windows = string.Join(";", r.Partial.Windows.OrderBy(w => w.Key).SelectMany(w => w.Value
            .OrderBy(s => s.Key).Select(s => $"{w.Key}/{s.Key}={s.Value.Count}"
                + $"[{string.Join(",", (s.Value.Destinations ?? []).Order(StringComparer.Ordinal))}]"
                + $"[{string.Join(",", (s.Value.Interfaces ?? []).Order(StringComparer.Ordinal))}]"
                + $"[{string.Join(",", (s.Value.Accounts ?? []).Order(StringComparer.Ordinal))}]")));
        return $"lines={d.Lines} parsed={d.Parsed} counted={d.Counted} malformed={d.Malformed} out={d.OutOfRange} "
            + $"early={d.Early} max={d.MaxStart} by-window={string.Join(",", d.RecordsByWindow.OrderBy(p => p.Key))} "
            + $"samples={string.Join("|", d.MalformedSamples)} {windows}";
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_scan_with_the_dictionary_skips_finds_what_the_reference_finds(bool details)
    {
        using var dir = new TempDir();
        var files = EdgeFiles(dir);
        string aws = dir.File("aws");
        FlowContainers.ConvertTree(SynthData.Get(SynthLayout.DefaultWithHeader).Logs, aws, FlowContainer.Parquet);
        files.AddRange(Directory.EnumerateFiles(aws, "*.parquet", SearchOption.AllDirectories).Take(20));
        int marked = ParquetQueryReader.MarkedRowGroups, split = 0;
        foreach (string file in files)
        {
            ScanResult Run(bool pages, int threads = 1) => FlowScanner.Scan(InputSet.Expand([file]), new ScanOptions
            {
                From = 1_790_812_800 + 3600,
                To = 1_790_812_800 + 3 * 86400,
                WindowSeconds = 3600,
                KeepDetails = details,
                Threads = threads,
                ParquetPages = pages,
            });
            var expected = Run(false);
            Assert.True(expected.Diagnostics.Counted > 0 || file.Contains("/aws/", StringComparison.Ordinal), file);
            string want = Fingerprint(expected);
            // Two threads split a file by row groups: the same counts, and malformed rows at the same line numbers.
            ColumnReader.AlwaysSparse = true; // this thread's scans: every address index unpacked one by one
            string sparse = Fingerprint(Run(true));
            ColumnReader.AlwaysSparse = false;
            foreach (string got in new[] { Fingerprint(Run(true)), Fingerprint(Run(true, threads: 2)), sparse })
            {
                int at = Enumerable.Range(0, Math.Min(want.Length, got.Length)).FirstOrDefault(i => want[i] != got[i]);
                Assert.True(want == got, $"{file}: differs at {at}: expected ...{want[Math.Max(0, at - 80)..Math.Min(
                    want.Length, at + 80)]}..., got ...{got[Math.Max(0, at - 80)..Math.Min(got.Length, at + 80)]}...");
            }
            if (ParquetPlan.TryCreate(file) is { RowGroups: > 1 })
                split++;
        }
        Assert.True(split > 0, "no test file has several row groups to split");
        Assert.True(ParquetQueryReader.MarkedRowGroups > marked, "no row group was dated from its statistics");
    }
}
