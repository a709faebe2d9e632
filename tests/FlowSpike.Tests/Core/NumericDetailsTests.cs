using FlowSpike.Aggregation;
using FlowSpike.Alerts;
using FlowSpike.Selection;

namespace FlowSpike.Tests.Core;

/// <summary>
/// A scan keeps each host's destinations, interfaces and accounts as numbers; the readers that only count or list
/// them must see exactly the names the sets would hold.
/// </summary>
public sealed class NumericDetailsTests
{
    [Fact]
    public void Active_hosts_per_account_are_counted_alike_from_numbers_and_from_names()
    {
        // Hosts 1 to 4 come from one scan, still numeric; host 5 from a second scan whose account table numbers
        // 333 as 0, where the first scan has 111; host 6 as watch mode loads it, with named sets.
        var scan = new ScanAccumulator(0, 3600, keepDetails: true);
        Host(scan, 0x0A000001, "111111111111", "222222222222");
        Host(scan, 0x0A000002, "111111111111");
        Host(scan, 0x0A000003, "333333333333");
        int quiet = scan.Add(10, 0x0A000004);
        scan.AddDestination(quiet, DestinationKind.Ipv4, 0x01010101, "1.1.1.1"u8);
        var other = new ScanAccumulator(0, 3600, keepDetails: true);
        Host(other, 0x0A000005, "333333333333");
        var loaded = new SourceWindowStats
        {
            Count = 1,
            Destinations = [],
            Interfaces = [],
            Accounts = ["222222222222", "444444444444"],
        };
        var sources = scan.ToPartial().SourcesIn(0).Values
            .Concat(other.ToPartial().SourcesIn(0).Values).Append(loaded).ToList();

        var active = RolloutAwareness.ActiveHosts(sources);

        // By hand: 111 has hosts 1 and 2; 222 hosts 1 and 6; 333 hosts 3 and 5; 444 host 6; host 4 has no account.
        var expected = new Dictionary<string, int>
        {
            ["111111111111"] = 2,
            ["222222222222"] = 2,
            ["333333333333"] = 2,
            ["444444444444"] = 1,
        };
        Assert.Equal(expected.OrderBy(kv => kv.Key), active.OrderBy(kv => kv.Key));
    }

    [Fact]
    public void Name_arrays_list_what_the_sets_hold()
    {
        var scan = new ScanAccumulator(0, 3600, keepDetails: true);
        int e = scan.Add(10, 0x0A000001);
        scan.AddDestination(e, DestinationKind.Ipv4, 0x08080808, "8.8.8.8"u8);
        scan.AddDestination(e, DestinationKind.Ipv6, 0, "2001:db8::1"u8);
        scan.AddDestination(e, DestinationKind.Ipv4, 0x08080808, "8.8.8.8"u8);
        scan.AddInterface(e, "eni-1"u8);
        scan.AddAccount(e, "111111111111"u8);
        var stats = scan.ToPartial().SourcesIn(0)[0x0A000001];

        Assert.Equal(["2001:db8::1", "8.8.8.8"], stats.DestinationNames()!.Order(StringComparer.Ordinal));
        Assert.Equal(["eni-1"], stats.InterfaceNames()!);
        Assert.Equal(["111111111111"], stats.AccountNames()!);
        // Listing does not consume the numbers: the sets still name the same.
        Assert.Equal(["2001:db8::1", "8.8.8.8"], stats.Destinations!.Order(StringComparer.Ordinal));
        Assert.Equal(2, stats.DestinationCount);
        // Named sets are listed as they are, and no set is no list.
        stats.Interfaces = ["eni-2", "eni-3"];
        Assert.Equal(["eni-2", "eni-3"], stats.InterfaceNames()!.Order(StringComparer.Ordinal));
        Assert.Null(new SourceWindowStats { Count = 1 }.DestinationNames());
    }

    private static void Host(ScanAccumulator scan, uint src, params string[] accounts)
    {
        int entry = scan.Add(10, src);
        foreach (string account in accounts)
            scan.AddAccount(entry, System.Text.Encoding.ASCII.GetBytes(account));
    }
}
