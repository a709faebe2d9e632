using System.Text;
using FlowSpike.Records;
using FlowSpike.Synth;
using FlowSpike.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace FlowSpike.Tests.Records;

/// <summary>
/// Hostile input: random bytes and mutated valid files, in every container. A reader may refuse a file with a
/// FlowInputException naming it, but no other exception escapes and no record is invented.
/// </summary>
public class RobustnessTests
{
    private static readonly byte[][] Prefixes =
        [[], "PAR1"u8.ToArray(), [0x1f, 0x8b, 8, 0], "{\"events\":["u8.ToArray(),
            Encoding.ASCII.GetBytes(FlowLines.Header + "\n")];

    /// <summary>Scans the bytes as a file; returns the counted records, or -1 when the file was refused
    /// properly.</summary>
    private static long CountedOrRefused(byte[] content, TempDir dir, out string? refusal)
    {
        string path = dir.File(Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, content);
        try
        {
            refusal = null;
            return Scan.Files([path], threads: 1).Diagnostics.Counted;
        }
        catch (FlowInputException e)
        {
            refusal = e.Message;
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            return -1;
        }
    }

    [Fact]
    public void Random_bytes_behind_every_magic_never_crash_or_invent_records()
    {
        using var dir = new TempDir();
        Prop.ForAll<byte[], int>((raw, which) =>
        {
            byte[] content = [.. Prefixes[Math.Abs(which % Prefixes.Length)], .. raw];
            long counted = CountedOrRefused(content, dir, out _);
            // Random bytes hold no "REJECT" record with valid addresses and time, so nothing may be counted.
            return counted <= 0;
        }).QuickCheckThrowOnFailure();
    }

    public static TheoryData<FlowContainer> Containers() =>
        new(FlowContainer.Text, FlowContainer.CloudWatch, FlowContainer.Subscription, FlowContainer.Firehose,
            FlowContainer.Parquet, FlowContainer.Ocsf);

    [Theory]
    [MemberData(nameof(Containers))]
    public void Mutated_files_never_crash_or_count_more_than_the_original(FlowContainer container)
    {
        using var dir = new TempDir();
        var lines = new FlowLines();
        var rng = new Random(3);
        for (int i = 0; i < 300; i++)
            lines.Add(1_700_000_000 + rng.Next(7200), "10.0.0." + rng.Next(1, 9), "198.51.100." + rng.Next(1, 9),
                rng.Next(3) == 0 ? "ACCEPT" : "REJECT");
        string text = dir.Write("source.log", lines.ToString());
        string original = dir.File("original" + FlowContainers.Extension(container));
        FlowContainers.Convert(text, original, container);
        byte[] bytes = File.ReadAllBytes(original);
        if (bytes is [0x1f, 0x8b, ..])
        {
            // A flipped byte in gzip fails its CRC and the whole file is refused; mutate what is inside instead.
            using var inflated = new MemoryStream();
            using (var gz = new System.IO.Compression.GZipStream(new MemoryStream(bytes),
                System.IO.Compression.CompressionMode.Decompress))
                gz.CopyTo(inflated);
            bytes = inflated.ToArray();
        }
        long baseline = CountedOrRefused(bytes, dir, out string? refused);
        Assert.True(baseline > 0, refused);
        int refusals = 0;
        for (int round = 0; round < 150; round++)
        {
            byte[] mutated = (byte[])bytes.Clone();
            int edits = 1 + rng.Next(8);
            for (int e = 0; e < edits; e++)
                mutated[rng.Next(mutated.Length)] = (byte)rng.Next(256);
            if (rng.Next(5) == 0)
                mutated = mutated[..rng.Next(mutated.Length)]; // truncated as well
            long counted = CountedOrRefused(mutated, dir, out _);
            refusals += counted < 0 ? 1 : 0;
            // A flipped byte can turn an ACCEPT into something else but never conjure a new blocked record... except
            // by changing one record's fields; the count can only stay or drop.
            Assert.True(counted <= baseline,
                $"round {round}: {counted} counted from a mutated file, {baseline} from the original");
        }
        Assert.True(refusals < 150, "every mutation was refused: the reader is not reading these files at all");
    }

    [Fact]
    public void A_100_MB_line_is_skipped_in_bounded_memory()
    {
        using var dir = new TempDir();
        string path = dir.File("huge.log");
        using (var f = new StreamWriter(path))
        {
            f.Write(FlowLines.Header + "\n");
            f.Write(new FlowLines(header: false).Add(1_700_000_000, "10.0.0.1", "198.51.100.1").ToString());
            var chunk = new string('A', 1 << 20);
            for (int i = 0; i < 100; i++)
                f.Write(chunk);
            f.Write('\n');
            f.Write(new FlowLines(header: false).Add(1_700_000_000, "10.0.0.2", "198.51.100.1").ToString());
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        var r = Scan.Files([path], threads: 1);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(2, r.Diagnostics.Counted);
        Assert.Equal(1, r.Diagnostics.Malformed);
        Assert.Contains(":3: line too long", r.Diagnostics.MalformedSamples[0], StringComparison.Ordinal);
        // The reader works in a fixed buffer: far less than the line itself is ever allocated.
        Assert.True(allocated < 16 << 20, $"{allocated} bytes allocated to skip a 100 MB line");
    }
}
