using System.Buffers.Text;
using System.IO.Compression;
using System.Text;
using FlowSpike.Aggregation;
using FlowSpike.Records;
using FlowSpike.Selection;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Records;

/// <summary>
/// Every fast path of the scan against its twin: the branch-light IPv4 and epoch parsers against the per-byte ones,
/// the open-addressing count table against a dictionary, merged numeric accumulators against one accumulator, and the
/// small-file whole reads against the general opener.
/// </summary>
public class FastPathTests
{
    private static readonly string[] Tricky =
    [
        "0.0.0.0", "255.255.255.255", "10.0.0.1", "1.2.3.4", "192.168.100.200", "256.1.1.1", "1.2.3.256", "01.2.3.4",
        "1.02.3.4", "1.2.3.04", "1.2.3.0", "0.1.2.3", "1.2.3", "1.2.3.4.5", "1..3.4", ".1.2.3", "1.2.3.", "1.2.3.4 ",
        " 1.2.3.4", "1.2.3.a", "1234.1.1.1", "1.2.3.4444", "999.999.999.999", "100.100.100.100", "1.1.1.1111", "-",
        "", "::1", "fe80::1", "1.2.3.-4", "1,2.3.4", "1.2.3.4\r", "12.34.56.78", "9.9.9.9", "10.10.10.10", "1.2.3.4/",
        "0.0.0.00", "00.0.0.0", "255.255.255.25", "25.255.255.255", "1.2.3.4..", "1.2..3", "1.2.3.4.", "...1",
    ];

    [Fact]
    public void Branch_light_ipv4_parsing_accepts_exactly_what_the_scalar_twin_accepts()
    {
        var rng = new Random(15);
        var inputs = new List<string>(Tricky);
        const string alphabet = "0123456789.......-: a";
        for (int i = 0; i < 200_000; i++)
        {
            if (i % 2 == 0)
            {
                // Near-valid: four octets of 1 to 4 digits, sometimes with a stray byte.
                var sb = new StringBuilder();
                for (int o = 0; o < 4; o++)
                {
                    if (o > 0)
                        sb.Append('.');
                    int digits = rng.Next(1, rng.Next(10) == 0 ? 5 : 4);
                    for (int d = 0; d < digits; d++)
                        sb.Append((char)('0' + rng.Next(10)));
                }
                if (rng.Next(20) == 0)
                    sb[rng.Next(sb.Length)] = alphabet[rng.Next(alphabet.Length)];
                inputs.Add(sb.ToString());
            }
            else
            {
                var chars = new char[rng.Next(0, 17)];
                for (int c = 0; c < chars.Length; c++)
                    chars[c] = alphabet[rng.Next(alphabet.Length)];
                inputs.Add(new string(chars));
            }
        }
        int valid = 0;
        foreach (string s in inputs)
        {
            byte[] bytes = Encoding.ASCII.GetBytes(s);
            bool scalar = Ipv4.TryParseScalar(bytes, out uint a);
            bool light = Ipv4.TryParseBranchLight(bytes, out uint b);
            Assert.True(scalar == light, $"'{s}': scalar {scalar}, branch-light {light}");
            Assert.Equal(a, b);
            // In place in a record: digits and dots around the field must not change the result.
            int before = rng.Next(0, 6), after = rng.Next(0, 21);
            var line = new byte[before + bytes.Length + after];
            for (int c = 0; c < line.Length; c++)
                line[c] = (byte)"0123456789. "[rng.Next(12)];
            bytes.CopyTo(line, before);
            bool field = Ipv4.TryParseField(line, before, bytes.Length, out uint f);
            Assert.True(scalar == field, $"'{s}' in '{Encoding.ASCII.GetString(line)}': in place {field}");
            Assert.Equal(a, f);
            if (scalar)
            {
                valid++;
                // An independent check of the value: System.Net's parser on canonical text.
                Assert.Equal(System.Net.IPAddress.Parse(s).GetAddressBytes(),
                    BitConverter.GetBytes(a).Reverse().ToArray());
            }
        }
        Assert.True(valid > 10_000, $"only {valid} valid addresses exercised");
    }

    [Fact]
    public void Bit_unpacking_by_groups_agrees_with_its_scalar_twin_at_every_width()
    {
        var rng = new Random(28);
        for (int width = 0; width <= 32; width++)
        {
            uint mask = width == 32 ? uint.MaxValue : (1u << width) - 1;
            for (int round = 0; round < 200; round++)
            {
                // Whole groups and cut ones: the data may stop before the last group's bytes, as writers do.
                var packed = new byte[rng.Next(0, 8 * width + 40)];
                rng.NextBytes(packed);
                int count = Math.Min(rng.Next(0, 330), width == 0 ? 330 : packed.Length * 8 / width);
                var fast = new int[count];
                var scalar = new int[count];
                FlowSpike.Records.Parquet.HybridDecoder.Unpack(packed, width, mask, fast);
                FlowSpike.Records.Parquet.HybridDecoder.UnpackScalar(packed, width, mask, scalar);
                Assert.Equal(scalar, fast);
                // An independent reading of the first value: its bits, least significant first.
                if (count > 0 && width > 0)
                {
                    long first = 0;
                    for (int b = 0; b < width; b++)
                        first |= (long)((packed[b / 8] >> (b % 8)) & 1) << b;
                    Assert.Equal((int)(uint)first, scalar[0]);
                }
            }
        }
    }

    [Fact]
    public void Per_window_record_counts_do_not_depend_on_the_order_of_starts()
    {
        // The dense per-window counts (a range of few windows) against the open-ended accumulator's dictionary and a
        // count made here, on starts that jump between windows, as text and as numbers, in and out of the range.
        const long from = 1_790_812_800, to = from + (4 * 86400);
        var dense = new ScanAccumulator(from, 3600, false, null, to);
        var open = new ScanAccumulator(from, 3600, false, null);
        var expected = new Dictionary<long, long>();
        var rng = new Random(2028);
        long runStart = from;
        for (int i = 0; i < 50_000; i++)
        {
            // The first half jumps at random; the second walks forward in runs (a file's records, mostly in order,
            // with stragglers from a random window now and then).
            if (i >= 25_000 && rng.Next(8) != 0)
                runStart += rng.Next(3) == 0 ? rng.Next(-60, 120) : 0;
            long start = i < 25_000 || rng.Next(8) == 0
                ? from - 7200 + rng.NextInt64(4 * 86400 + 14_400)
                : runStart + rng.Next(60);
            if (start >= from && start < to)
            {
                long window = from + ((start - from) / 3600 * 3600);
                expected[window] = expected.GetValueOrDefault(window) + 1;
            }
            if (i % 3 == 0)
            {
                dense.Mark(start);
                open.Mark(start < to ? start : from - 1);
            }
            else
            {
                byte[] text = Encoding.ASCII.GetBytes(
                    start.ToString(System.Globalization.CultureInfo.InvariantCulture));
                dense.Mark(text);
                open.Mark(start < to ? text : "17"u8);
            }
        }
        dense.FlushMarks();
        open.FlushMarks();
        Assert.Equal(expected.OrderBy(p => p.Key), dense.Diagnostics.RecordsByWindow.OrderBy(p => p.Key));
        Assert.Equal(expected.OrderBy(p => p.Key), open.Diagnostics.RecordsByWindow.OrderBy(p => p.Key));
        Assert.Equal(50_000, dense.Diagnostics.Parsed);
    }

    [Fact]
    public void Every_address_of_a_sweep_round_trips_through_both_parsers()
    {
        var buffer = new byte[16];
        for (long ip = 0; ip <= uint.MaxValue; ip += 9_973)
        {
            int n = Ipv4.Format((uint)ip, buffer);
            Assert.True(Ipv4.TryParseBranchLight(buffer.AsSpan(0, n), out uint a));
            Assert.True(Ipv4.TryParseScalar(buffer.AsSpan(0, n), out uint b));
            Assert.Equal((uint)ip, a);
            Assert.Equal((uint)ip, b);
        }
    }

    [Fact]
    public void Ten_digit_epoch_parsing_agrees_with_the_utf8_parser()
    {
        var rng = new Random(7);
        var inputs =
            new List<string> { "0000000000", "9999999999", "1700000000", "170000000a", "-170000000", "+170000000",
            "1700000000 ", "17000000001", "170000000", "", "-", "1/00000000", "17000:0000", "4294967296" };
        const string alphabet = "0123456789/:+- ";
        for (int i = 0; i < 100_000; i++)
        {
            var chars = new char[i % 3 == 0 ? rng.Next(0, 13) : 10];
            for (int c = 0; c < chars.Length; c++)
                chars[c] = i % 5 == 0 ? alphabet[rng.Next(alphabet.Length)] : (char)('0' + rng.Next(10));
            inputs.Add(new string(chars));
        }
        foreach (string s in inputs)
        {
            byte[] bytes = Encoding.ASCII.GetBytes(s);
            bool twin = Utf8Parser.TryParse(bytes, out long expected, out int consumed) && consumed == bytes.Length;
            Assert.Equal(twin, EpochSeconds.TryParse(bytes, out long value));
            if (twin)
                Assert.Equal(expected, value);
            if (EpochSeconds.TryParseTenDigits(bytes, out long ten))
                Assert.Equal(long.Parse(s, System.Globalization.CultureInfo.InvariantCulture), ten);
            else
                Assert.False(s.Length == 10 && s.All(char.IsAsciiDigit), s);
        }
    }

    [Fact]
    public void The_count_table_counts_like_a_dictionary_through_growth_and_merges()
    {
        var rng = new Random(3);
        var table = new CountTable(4);
        var model = new Dictionary<ulong, long>();
        var entryOf = new Dictionary<ulong, int>();
        for (int i = 0; i < 300_000; i++)
        {
            // Clustered keys (few windows, nearby addresses) collide in the low bits, as real ones do.
            ulong key = ((ulong)rng.Next(40) << 32) | (uint)(0x0A000000 + rng.Next(20_000) * 256);
            long n = i % 10 == 0 ? rng.Next(1, 1000) : 1;
            int entry = n == 1 ? table.Increment(key) : table.Add(key, n);
            if (entryOf.TryGetValue(key, out int known))
                Assert.Equal(known, entry);
            else
                entryOf[key] = entry;
            model[key] = model.GetValueOrDefault(key) + n;
        }
        Assert.Equal(model.Count, table.Count);
        var counts = table.Counts();
        for (int e = 0; e < table.Count; e++)
            Assert.Equal(model[table.KeyOf(e)], counts[e]);
        // A count past 32 bits carries into the overflow.
        int big = table.Add(1UL << 40, uint.MaxValue);
        table.Increment(1UL << 40);
        table.Add(1UL << 40, 5);
        Assert.Equal((long)uint.MaxValue + 6, table.Counts()[big]);
    }

    [Fact]
    public void Merged_worker_accumulators_equal_one_accumulator_over_all_records()
    {
        var rng = new Random(11);
        var one = new ScanAccumulator(1_000, 3600, keepDetails: true);
        var parts =
            new[] { new ScanAccumulator(1_000, 3600, true), new ScanAccumulator(1_000, 3600, true),
                new ScanAccumulator(1_000, 3600, true) };
        for (int i = 0; i < 50_000; i++)
        {
            long start = 1_000 + rng.Next(30 * 3600);
            uint src = 0x0A000000u + (uint)rng.Next(500);
            bool v6 = rng.Next(10) == 0;
            uint dst = 0x08080000u + (uint)rng.Next(50);
            byte[] dstText = Encoding.ASCII.GetBytes(v6 ? $"2001:db8::{rng.Next(30):x}" : Ipv4.Format(dst));
            byte[] iface = Encoding.ASCII.GetBytes($"eni-{rng.Next(7)}");
            byte[] account = Encoding.ASCII.GetBytes($"{100000000000 + rng.Next(3)}");
            foreach (var acc in new[] { one, parts[rng.Next(parts.Length)] })
            {
                int entry = acc.Add(start, src);
                acc.AddDestination(entry, v6 ? DestinationKind.Ipv6 : DestinationKind.Ipv4, dst, dstText);
                acc.AddInterface(entry, iface);
                acc.AddAccount(entry, account);
            }
        }
        parts[0].MergeFrom(parts[1]);
        parts[0].MergeFrom(parts[2]);
        Assert.Equal(Fingerprint(one.ToPartial()), Fingerprint(parts[0].ToPartial()));
    }

    [Fact]
    public void Named_details_survive_a_merge_with_sets_from_elsewhere()
    {
        var acc = new ScanAccumulator(0, 3600, keepDetails: true);
        int e = acc.Add(10, 0x0A000001);
        acc.AddDestination(e, DestinationKind.Ipv4, 0x08080808, "8.8.8.8"u8);
        acc.AddInterface(e, "eni-1"u8);
        acc.AddAccount(e, "111122223333"u8);
        var stats = acc.ToPartial().SourcesIn(0)[0x0A000001];
        Assert.Equal(1, stats.DestinationCount);
        var loaded =
            new SourceWindowStats { Count = 2, Destinations = ["1.1.1.1"], Interfaces = ["eni-2"], Accounts = [] };
        stats.Merge(loaded);
        Assert.Equal(3, stats.Count);
        Assert.Equal(["1.1.1.1", "8.8.8.8"], stats.Destinations!.Order(StringComparer.Ordinal));
        Assert.Equal(["eni-1", "eni-2"], stats.Interfaces!.Order(StringComparer.Ordinal));
        Assert.Equal(["111122223333"], stats.Accounts!);
        // Replacing a set leaves the others named from the scan.
        var other = acc.ToPartial().SourcesIn(0)[0x0A000001];
        other.Destinations = ["9.9.9.9"];
        Assert.Equal(["9.9.9.9"], other.Destinations!);
        Assert.Equal(["eni-1"], other.Interfaces!);
    }

    public static TheoryData<bool, bool> ReadPaths() =>
        new() { { true, true }, { true, false }, { false, true }, { false, false } };

    [Theory]
    [MemberData(nameof(ReadPaths))]
    public void Small_file_whole_reads_equal_the_general_opener(bool smallFileReads, bool inflateWhole)
    {
        using var dir = new TempDir();
        var rng = new Random(5);
        for (int f = 0; f < 40; f++)
        {
            var lines = new FlowLines(header: f % 3 != 0);
            int count = rng.Next(0, 200);
            for (int i = 0; i < count; i++)
            {
                if (i % 53 == 7)
                    lines.Raw("garbage line " + i);
                else
                    lines.Add(1_700_000_000 + rng.Next(7200), $"10.0.{rng.Next(3)}.{rng.Next(1, 30)}",
                        $"8.8.{rng.Next(4)}.8", rng.Next(3) == 0 ? "ACCEPT" : "REJECT", $"eni-{rng.Next(3)}");
            }
            string text = lines.ToString();
            if (f % 7 == 0)
                text = text.Replace("\n", "\r\n", StringComparison.Ordinal);
            byte[] bytes = Encoding.ASCII.GetBytes(text);
            switch (f % 4)
            {
                case 0:
                    File.WriteAllBytes(dir.File($"f{f}.log"), bytes);
                    break;
                case 3 when f % 8 == 3:
                    File.WriteAllBytes(dir.File($"f{f}.log.gz"), Gzip(Gzip(bytes))); // gzip inside gzip
                    break;
                default:
                    File.WriteAllBytes(dir.File($"f{f}.log.gz"), Gzip(bytes));
                    break;
            }
        }
        File.WriteAllText(dir.File("empty.log"), "");
        var reference = Scan.Files([dir.Path], smallFileReads: false, inflateWhole: false, threads: 1);
        Assert.True(reference.Diagnostics.Counted > 500);
        foreach (var mode in Modes.List())
        {
            var r = Scan.Files([dir.Path], mode, smallFileReads: smallFileReads, inflateWhole: inflateWhole);
            Assert.Equal(Fingerprint(reference.Partial), Fingerprint(r.Partial));
            Assert.Equal(reference.Diagnostics.Lines, r.Diagnostics.Lines);
            Assert.Equal(reference.Diagnostics.Malformed, r.Diagnostics.Malformed);
            Assert.Equal(reference.Diagnostics.MalformedSamples, r.Diagnostics.MalformedSamples);
            Assert.Equal(reference.Diagnostics.Files, r.Diagnostics.Files);
        }
    }

    [Fact]
    public void A_corrupt_small_gzip_gives_the_general_error_on_the_whole_read_path()
    {
        using var dir = new TempDir();
        byte[] gz =
            Gzip(Encoding.ASCII.GetBytes(
                new FlowLines().Add(1_700_000_000, "10.0.0.1", "8.8.8.8", count: 50).ToString()));
        string path = dir.File("cut.log.gz");
        File.WriteAllBytes(path, gz[..(gz.Length - 6)]);
        var fast =
            Assert.Throws<FlowInputException>(() => Scan.Files([path], smallFileReads: true, inflateWhole: true));
        var general =
            Assert.Throws<FlowInputException>(() => Scan.Files([path], smallFileReads: false, inflateWhole: true));
        Assert.Equal(general.Message, fast.Message);
        Assert.Contains("cut.log.gz", fast.Message, StringComparison.Ordinal);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest))
            gz.Write(data);
        return ms.ToArray();
    }

    private static string Fingerprint(WindowPartial p) =>
        string.Join(";", p.Windows.OrderBy(w => w.Key).SelectMany(w => w.Value.OrderBy(s => s.Key).Select(s =>
            $"{w.Key}/{s.Key}={s.Value.Count}" +
            $"[{string.Join(",", s.Value.Destinations!.Order(StringComparer.Ordinal))}]" +
            $"[{string.Join(",", s.Value.Interfaces!.Order(StringComparer.Ordinal))}]" +
            $"[{string.Join(",", s.Value.Accounts!.Order(StringComparer.Ordinal))}]")));
}
