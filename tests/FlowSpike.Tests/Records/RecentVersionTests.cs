using FlowSpike.Records;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Records;

/// <summary>
/// Headers of the record versions after 8 (resource-id and encryption-status, then version 11's tag, interface-type
/// and next-hop fields) are read by name, and a regional NAT gateway's record, whose interface-id is '-', is keyed
/// by its resource-id instead.
/// </summary>
public class RecentVersionTests
{
    private const long T0 = 1_790_812_800;

    private static readonly string[] Base =
        ["version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets",
         "bytes", "start", "end", "action", "log-status", "vpc-id"];

    public static TheoryData<string, string[]> Layouts => new()
    {
        { "resource-id (late 2025)", [.. Base, "resource-id"] },
        { "resource-id and encryption-status", [.. Base, "resource-id", "encryption-status"] },
        {
            "version 11", [.. Base, "resource-id", "encryption-status", "instance-tag", "instance-tag-2",
                "interface-tag", "interface-tag-2", "asg-tag", "asg-tag-2", "interface-type", "next-hop-interface-id",
                "next-hop-subnet-id", "next-hop-az-id", "next-hop-vpc-id", "next-hop-interface-type"]
        },
    };

    /// <summary>One record as the header orders it; fields not named here are '-' or a plausible value.</summary>
    private static string Line(string[] header, Dictionary<string, string> values) =>
        string.Join(' ', header.Select(f => values.TryGetValue(f, out string? v) ? v : f switch
        {
            "encryption-status" => "1",
            "instance-tag" or "interface-tag" or "asg-tag" => "Name%3Dweb%20tier",
            "interface-type" => "interface",
            _ => "-",
        }));

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Records_are_read_by_name_and_a_nat_gateway_is_keyed_by_its_resource(string name, string[] header)
    {
        using var dir = new TempDir();
        var common = new Dictionary<string, string>
        {
            ["version"] = header.Length > 17 ? "11" : "9",
            ["account-id"] = "123456789012",
            ["srcaddr"] = "10.0.0.5",
            ["dstaddr"] = "203.0.113.9",
            ["srcport"] = "40000",
            ["dstport"] = "443",
            ["protocol"] = "6",
            ["packets"] = "1",
            ["bytes"] = "40",
            ["start"] = (T0 + 60).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["end"] = (T0 + 70).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["action"] = "REJECT",
            ["log-status"] = "OK",
            ["vpc-id"] = "vpc-0a1b2c3d",
        };
        string eni =
            Line(header, new(common) { ["interface-id"] = "eni-0a1b2c3d4e5f60001", ["resource-id"] = "i-0abc" });
        string nat = Line(header, new(common) { ["interface-id"] = "-", ["resource-id"] = "nat-0123456789abcdef0" });
        string text = string.Join(' ', header) + "\n" + eni + "\n" + nat + "\n";

        foreach (var mode in new[] { TokenizerMode.Scalar, TokenizerMode.Vector256 })
        {
            var r = Scan.Text(text, dir, mode);
            Assert.True(r.Diagnostics.Malformed == 0, name);
            Assert.Equal(2, r.Diagnostics.Counted);
            var stats = Assert.Single(r.Partial.SourcesIn(T0)).Value;
            Assert.Equal(2, stats.Count);
            Assert.Equal(["eni-0a1b2c3d4e5f60001", "nat-0123456789abcdef0"],
                stats.Interfaces!.Order(StringComparer.Ordinal));
        }
    }
}
