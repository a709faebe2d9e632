using System.Text;
using FlowSpike.Records;
using FlowSpike.Tests.Reference;
using FlowSpike.Tests.Support;
using FlowSpike.Time;

namespace FlowSpike.Tests.Records;

/// <summary>
/// Random valid and mutated lines in every supported layout: every tokenizer path gives the same counts, and the
/// counts equal the plain reference reader's, so no record is lost or invented.
/// </summary>
public class RandomLineTests
{
    private const long T = 1_790_812_800;

    private static readonly string[] Layouts =
    [
        FlowFieldNames.DefaultFormat,
        "log-status pkt-srcaddr tcp-flags bytes protocol srcport account-id traffic-path type action region az-id "
            + "interface-id pkt-dstaddr dstport dstaddr srcaddr version vpc-id start packets end flow-direction "
            + "subnet-id",
        "start action srcaddr dstaddr interface-id",
    ];

    private static string Value(string field, Random rng) => field switch
    {
        "srcaddr" or "pkt-srcaddr" => rng.Next(10) switch
        {
            < 5 => $"10.{rng.Next(3)}.{rng.Next(2)}.{rng.Next(1, 6)}",
            5 => $"172.{rng.Next(14, 34)}.0.{rng.Next(1, 4)}",
            6 => $"192.168.{rng.Next(2)}.{rng.Next(1, 4)}",
            7 => "-",
            8 => "2600:1f18::" + rng.Next(9),
            _ => $"{rng.Next(1, 224)}.{rng.Next(256)}.{rng.Next(256)}.{rng.Next(256)}",
        },
        "dstaddr" or "pkt-dstaddr" => rng.Next(8) switch
        {
            < 4 => $"{rng.Next(1, 224)}.{rng.Next(3)}.0.{rng.Next(4)}",
            4 => "10.0.0." + rng.Next(5),
            5 => "2a05:d018::" + rng.Next(5),
            6 => "-",
            _ => "203.0.113." + rng.Next(3),
        },
        "action" => rng.Next(4) switch { 0 => "ACCEPT", 1 => "-", _ => "REJECT" },
        "start" => (T + rng.Next(3 * 3600)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        "interface-id" => "eni-" + rng.Next(4),
        "log-status" => rng.Next(10) == 0 ? "NODATA" : "OK",
        _ => rng.Next(3) == 0 ? "-" : rng.Next(100000).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string Mutate(string line, Random rng) => rng.Next(6) switch
    {
        0 => line[..rng.Next(line.Length)],                             // cut short
        1 => line.Replace(" ", "  ", StringComparison.Ordinal),          // doubled separators
        2 => line + " extra",                                           // one field too many
        3 => line.Insert(rng.Next(line.Length), ((char)rng.Next(33, 127)).ToString()),
        4 => line.Replace("REJECT", "REJEC", StringComparison.Ordinal),
        _ => line.Replace('.', ','),
    };

    public static TheoryData<int, int> Cases()
    {
        var data = new TheoryData<int, int>();
        for (int layout = 0; layout < Layouts.Length; layout++)
        {
            foreach (int seed in new[] { 1, 2, 3 })
                data.Add(layout, seed);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_path_agrees_with_the_reference_reader(int layoutIndex, int seed)
    {
        var fields = Layouts[layoutIndex].Split(' ');
        var rng = new Random(seed * 7919 + layoutIndex);
        var text = new StringBuilder(string.Join(' ', fields)).Append('\n');
        for (int i = 0; i < 4000; i++)
        {
            string line = string.Join(' ', fields.Select(f => Value(f, rng)));
            text.Append(rng.Next(10) == 0 ? Mutate(line, rng) : line).Append(rng.Next(30) == 0 ? "\r\n" : "\n");
        }
        using var dir = new TempDir();
        string path = dir.Write("random.log", text.ToString());

        var expected =
            ReferenceSpec.ReadFile(path).Where(r => ReferenceSpec.Counts(r) && r.Start >= 0 && r.Start < 4_000_000_000)
            .GroupBy(r => $"{WindowMath.Floor(r.Start, 3600)}/{r.SrcAddr}")
            .ToDictionary(g => g.Key, g => g.LongCount());
        Assert.NotEmpty(expected);
        foreach (var mode in Modes.List())
        {
            foreach (long segment in new[] { 64L << 20, 3000 })
            {
                var r = Scan.Files([path], mode, segmentBytes: segment);
                var actual =
                    r.Partial.Windows.SelectMany(w =>
                        w.Value.Select(s => ($"{w.Key}/{Selection.Ipv4.Format(s.Key)}", s.Value.Count)))
                    .ToDictionary(x => x.Item1, x => x.Count);
                Assert.Equal(expected.OrderBy(k => k.Key, StringComparer.Ordinal),
                    actual.OrderBy(k => k.Key, StringComparer.Ordinal));
            }
        }
    }
}
