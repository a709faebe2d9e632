using FlowSpike.Models;
using FlowSpike.Runs;
using FlowSpike.Selection;
using FlowSpike.State;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Core;

/// <summary>Entity keys beyond the ESCU search's IPv4 source (--entity, IPv6 internal ranges): naming, counting,
/// state.</summary>
public class EntityKeyTests
{
    private const long T0 = 1_790_812_800; // 2026-10-01T00:00:00Z

    [Fact]
    public void The_registry_numbers_names_in_order_and_remembers_what_is_stored()
    {
        var ipv4Keyed = new EntityRegistry(EntityKind.SrcIp);
        Assert.Equal(EntityRegistry.FirstIpv6Key, ipv4Keyed.GetOrAdd("fd00::1"));
        Assert.Equal(EntityRegistry.FirstIpv6Key + 1, ipv4Keyed.GetOrAdd("fd00::2"));
        Assert.Equal(EntityRegistry.FirstIpv6Key, ipv4Keyed.GetOrAdd("fd00::1"));
        Assert.Equal("fd00::2", ipv4Keyed.NameOf(EntityRegistry.FirstIpv6Key + 1));
        Assert.Equal("10.0.0.1", ipv4Keyed.NameOf(0x0A000001));
        Assert.True(ipv4Keyed.TryGetKey("10.0.0.1", out uint k) && k == 0x0A000001);
        Assert.False(ipv4Keyed.TryGetKey("fd00::9", out _));

        var byAccount = new EntityRegistry(EntityKind.AccountVpcSrcIp);
        Assert.Equal(1u, byAccount.GetOrAdd("111111111111/vpc-1/10.0.0.5"));
        Assert.Equal(2u, byAccount.GetOrAdd("222222222222/vpc-2/10.0.0.5"));
        Assert.False(byAccount.TryGetKey("10.0.0.5", out _)); // an address alone names nothing here
        Assert.Equal(2, byAccount.Unsaved().Count);
        byAccount.MarkSaved(2);
        Assert.Empty(byAccount.Unsaved());
        Assert.Equal("10.0.0.5", EntityRegistry.AddressOf("222222222222/vpc-2/10.0.0.5"));
        Assert.Equal("fd00::5", EntityRegistry.AddressOf("fd00::5"));
    }

    [Fact]
    public void Ipv6_networks_parse_and_contain()
    {
        var ula = Ipv6Cidr.Parse("fc00::/7");
        Assert.True(Ipv6.TryParse("fd12:3456::1"u8, out var inside));
        Assert.True(Ipv6.TryParse("2001:db8::1"u8, out var outside));
        Assert.True(ula.Contains(inside));
        Assert.False(ula.Contains(outside));
        Assert.False(Ipv6Cidr.TryParse("fd00::1/8", out _, out string? error));
        Assert.Contains("host bits", error, StringComparison.Ordinal);
        var set = CidrSet.Parse(["10.0.0.0/8", "fd00::/8"]);
        Assert.True(set.HasIpv6);
        Assert.True(set.Contains(inside));
        Assert.True(set.Contains(0x0A000001u));
        Assert.False(CidrSet.Default.WithUniqueLocal().ReachesReserved());
        Assert.True(CidrSet.Parse(["0.0.0.0/0"]).ReachesReserved());
        Assert.True(CidrSet.Parse(["240.0.0.0/8"]).ReachesReserved());
    }

    private static List<(string Name, BaselineRow Row)> Baseline(string model, EntityKind? entity, string log,
        TempDir dir, CidrSet? @internal = null, string? state = null)
    {
        state ??= dir.File($"{model}-{entity}.db");
        using var store = SqliteStateStore.Open(state, model, entity);
        BaselineRun.Execute(store,
            new InputOptions { Inputs = [dir.Write("in.log", log)], Internal = @internal ?? CidrSet.Default }, T0, T0
            + 3 * 3600, 3600, NullRunLog.Instance, model);
        return [.. store.LoadLookup().Select(r => (store.Entities.NameOf(r.Src), r))
            .OrderBy(x => x.Item1, StringComparer.Ordinal)];
    }

    [Fact]
    public void The_same_private_address_in_two_accounts_gets_two_baselines_by_account_vpc_and_address()
    {
        var lines = new FlowLines();
        for (int h = 0; h < 3; h++)
        {
            lines.Add(T0 + h * 3600, "10.0.0.5", "198.51.100.1", count: 10, account: "111111111111");
            lines.Add(T0 + h * 3600, "10.0.0.5", "198.51.100.2", count: 2, account: "222222222222");
        }
        using var dir = new TempDir();
        // The ESCU search's key merges them: 12 an hour.
        var merged = Baseline("splunk", null, lines.ToString(), dir);
        Assert.Equal(["10.0.0.5"], merged.Select(x => x.Name));
        Assert.Equal(12, merged[0].Row.Avg);
        // Keyed by account, VPC (absent from the v2 layout: '-') and address: 10 and 2 an hour.
        var apart = Baseline("splunk", EntityKind.AccountVpcSrcIp, lines.ToString(), dir);
        Assert.Equal(["111111111111/-/10.0.0.5", "222222222222/-/10.0.0.5"], apart.Select(x => x.Name));
        Assert.Equal([10.0, 2.0], apart.Select(x => x.Row.Avg!.Value));
    }

    [Fact]
    public void Interface_keys_follow_a_workload_across_address_changes()
    {
        var lines = new FlowLines();
        for (int h = 0; h < 3; h++)
            lines.Add(T0 + h * 3600, $"10.0.0.{h + 1}", "198.51.100.1", iface: "eni-0aaa", count: 4);
        lines.Add(T0, "10.0.0.9", "198.51.100.1", iface: "-", count: 1);
        using var dir = new TempDir();
        var rows = Baseline("splunk", EntityKind.Interface, lines.ToString(), dir);
        Assert.Equal(["eni-0aaa"], rows.Select(x => x.Name));
        Assert.Equal(3, rows[0].Row.NumDataPoints);
        Assert.Equal(4, rows[0].Row.Avg);
    }

    [Fact]
    public void Ipv6_unique_local_sources_count_only_when_asked()
    {
        var lines = new FlowLines();
        for (int h = 0; h < 3; h++)
        {
            lines.Add(T0 + h * 3600, "fd00:0:0::5", "2001:db8::1", count: 3);
            lines.Add(T0 + h * 3600, "fd00::6", "fd00::7", count: 5); // to an internal IPv6 destination: never counted
            lines.Add(T0 + h * 3600, "10.0.0.1", "2001:db8::2", count: 1);
        }
        using var dir = new TempDir();
        Assert.Equal(["10.0.0.1"], Baseline("splunk", null, lines.ToString(), dir).Select(x => x.Name));
        var rows =
            Baseline("splunk", EntityKind.SrcIp, lines.ToString(), dir, CidrSet.Default.WithUniqueLocal(),
                dir.File("v6.db"));
        // The address is named in its canonical form, and numbered in 240.0.0.0/4.
        Assert.Equal(["10.0.0.1", "fd00::5"], rows.Select(x => x.Name));
        Assert.Equal(3, rows[1].Row.Avg);
        Assert.True(rows[1].Row.Src >= EntityRegistry.FirstIpv6Key);
    }

    [Fact]
    public void A_state_keyed_by_entity_exports_and_imports_its_lookup_whole()
    {
        var lines = new FlowLines();
        for (int h = 0; h < 3; h++)
        {
            lines.Add(T0 + h * 3600, "10.0.0.5", "198.51.100.1", count: 4 + h, account: "111111111111");
            lines.Add(T0 + h * 3600, "fd00::5", "2001:db8::1", count: 2, account: "222222222222");
        }
        using var dir = new TempDir();
        string first = dir.File("a.db"), second = dir.File("b.db");
        Baseline("recommended", null, lines.ToString(), dir, CidrSet.Default.WithUniqueLocal(), first);
        string exported;
        using (var store = SqliteStateStore.Open(first))
        {
            Assert.Equal(EntityKind.AccountVpcSrcIp, store.Entities.Kind); // the recommended model's default
            exported = LookupCsv.ToText(store.LoadLookup(), store.Entities);
        }
        Assert.StartsWith(LookupCsv.Header + "," + LookupCsv.StateColumn + "\n111111111111/-/10.0.0.5,", exported,
            StringComparison.Ordinal);
        Assert.Contains("\n222222222222/-/fd00::5,", exported, StringComparison.Ordinal);
        using (var store = SqliteStateStore.Open(second, "recommended"))
            store.ImportLookup(LookupCsv.Read(new StringReader(exported), "lookup.csv", store.Entities));
        using (var store = SqliteStateStore.Open(second))
        {
            Assert.Equal(exported, LookupCsv.ToText(store.LoadLookup(), store.Entities));
            Assert.All(store.LoadLookup(), r => Assert.Equal(HostState.Bytes, r.ModelState!.Length));
        }
    }

    [Fact]
    public void A_state_refuses_another_entity_keying()
    {
        using var dir = new TempDir();
        string path = dir.File("s.db");
        using (SqliteStateStore.Open(path, "splunk", EntityKind.Interface))
        {
        }
        var e = Assert.Throws<StateException>(() => SqliteStateStore.Open(path, "splunk", EntityKind.SrcIp));
        Assert.Contains("keys baselines by 'interface'", e.Message, StringComparison.Ordinal);
        using var reopened = SqliteStateStore.Open(path);
        Assert.Equal(EntityKind.Interface, reopened.Entities.Kind);
    }

    [Fact]
    public void A_version_1_state_is_upgraded_in_place()
    {
        using var dir = new TempDir();
        string path = dir.File("v1.db");
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);" +
                "CREATE TABLE lookup(src INTEGER PRIMARY KEY, latest_count INTEGER, num_data_points INTEGER, avg REAL, "
                    + "stdev REAL);" +
                "INSERT INTO meta VALUES ('schema_version', '1'), ('model', 'splunk');" +
                "INSERT INTO lookup VALUES (167772161, 3, 6, 2.5, 0.5);";
            cmd.ExecuteNonQuery();
        }
        using var store = SqliteStateStore.Open(path);
        Assert.Equal([new BaselineRow(0x0A000001, 3, 6, 2.5, 0.5)], store.LoadLookup());
        Assert.Equal(EntityKind.SrcIp, store.Entities.Kind);
    }
}
