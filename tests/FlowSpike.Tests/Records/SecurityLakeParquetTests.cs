using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Records;

/// <summary>
/// Amazon Security Lake's VPC flow logs (OCSF Network Activity Parquet, 1.0.0-rc.2 and 1.1.0), written by the test
/// (Support/SecurityLakeParquet): both spellings of the account uid, the interface on either endpoint, blocked and
/// allowed records. Expected counts come from the test's tally of the rows it wrote.
/// </summary>
public class SecurityLakeParquetTests
{
    private const long Hour = 1_767_225_600_000; // 2026-01-01T00:00:00Z in ms

    /// <summary>
    /// Outbound REJECTs with the interface on the source endpoint, and one with it only on the destination endpoint;
    /// an inbound REJECT (interface on the destination, as Security Lake writes ingress), an ACCEPT, an internal
    /// REJECT, and a second window.
    /// </summary>
    public static readonly LakeRow[] Rows =
    [
        new("10.50.1.7", 49152, "198.51.100.80", 443, Hour + 12_000, true, "210987654321",
            SrcInterface: "eni-0a5b6c7d8e9f01234", Vpc: "vpc-0abc1234def567890"),
        new("10.50.1.7", 49153, "198.51.100.81", 443, Hour + 75_000, true, "210987654321",
            SrcInterface: "eni-0a5b6c7d8e9f01234", Vpc: "vpc-0abc1234def567890"),
        new("10.50.2.9", 50000, "203.0.113.33", 8080, Hour + 90_000, true, "210987654322",
            DstInterface: "eni-0b6c7d8e9f0123456"),
        new("203.0.113.4", 56858, "10.50.1.7", 22, Hour + 100_000, true, "210987654321",
            DstInterface: "eni-0a5b6c7d8e9f01234"),
        new("10.50.1.7", 49154, "198.51.100.82", 443, Hour + 110_000, false, "210987654321",
            SrcInterface: "eni-0a5b6c7d8e9f01234"),
        new("10.50.1.7", 49155, "10.60.0.1", 443, Hour + 120_000, true, "210987654321",
            SrcInterface: "eni-0a5b6c7d8e9f01234"),
        new("10.50.1.7", 49156, "198.51.100.83", 443, Hour + 3_600_000 + 5_000, true, "210987654321",
            SrcInterface: "eni-0a5b6c7d8e9f01234"),
    ];

    private static IEnumerable<TallyRecord> AsTally(IEnumerable<LakeRow> rows) => rows.Select(r => new TallyRecord(
        r.TimeMs / 1000, r.Src, r.Dst, r.Reject ? "REJECT" : "ACCEPT", r.SrcInterface ?? r.DstInterface, r.Account));

    [Theory]
    [InlineData(LakeOcsf.V1_0_0_Rc2)]
    [InlineData(LakeOcsf.V1_1_0)]
    public void Security_lake_parquet_counts_what_the_test_tallies(LakeOcsf version)
    {
        using var dir = new TempDir();
        string path = dir.File("lake.gz.parquet");
        SecurityLakeParquet.Write(path, version, Rows);
        var expected = FlowTally.Expected(AsTally(Rows));
        Assert.Equal(2, expected.Count);
        var r = Scan.Files([path]);
        Assert.Equal((Rows.Length, 0L), (r.Diagnostics.Lines, r.Diagnostics.Malformed));
        Assert.Equal(expected, FlowTally.Actual(r));
    }

    [Theory]
    [InlineData(LakeOcsf.V1_0_0_Rc2)]
    [InlineData(LakeOcsf.V1_1_0)]
    public void An_inbound_record_counts_once_its_source_is_declared_internal(LakeOcsf version)
    {
        // 203.0.0.0/8 internal: the inbound REJECT becomes blocked outbound, with the interface of its destination.
        using var dir = new TempDir();
        string path = dir.File("lake.parquet");
        SecurityLakeParquet.Write(path, version, Rows);
        string[] nets = ["203.0.0.0/8"];
        var expected = FlowTally.Expected(AsTally(Rows), nets);
        var (_, sources) = Assert.Single(expected);
        Assert.Equal("1; 10.50.1.7; eni-0a5b6c7d8e9f01234; 210987654321", sources["203.0.113.4"]);
        var r = Scan.Files([path], @internal: Selection.CidrSet.Parse(nets));
        Assert.Equal(expected, FlowTally.Actual(r));
    }

    [Theory]
    [InlineData(LakeOcsf.V1_0_0_Rc2, "cloud.account_uid")]
    [InlineData(LakeOcsf.V1_1_0, "cloud.account.uid")]
    public async Task Each_version_spells_the_account_its_own_way(LakeOcsf version, string column)
    {
        // The writer's layouts differ where AWS's documentation says they do; the reader finds the account in both.
        using var dir = new TempDir();
        string path = dir.File("lake.parquet");
        SecurityLakeParquet.Write(path, version, Rows);
        await using (var stream = File.OpenRead(path))
        await using (var reader =
            await Parquet.ParquetReader.CreateAsync(stream, cancellationToken: TestContext.Current.CancellationToken))
        {
            var paths = reader.Schema.GetDataFields().Select(f => string.Join('.', f.Path.ToList())).ToList();
            Assert.Contains(column, paths);
            Assert.Equal(version == LakeOcsf.V1_0_0_Rc2, paths.Contains("disposition_id"));
            Assert.Equal(version == LakeOcsf.V1_1_0, paths.Contains("action_id"));
        }
        var accounts = FlowTally.Actual(Scan.Files([path])).Values.SelectMany(w => w.Values)
            .Select(s => s.Split("; ")[3]).ToHashSet();
        Assert.Equal(["210987654321", "210987654322"], accounts.Order(StringComparer.Ordinal));
    }
}
