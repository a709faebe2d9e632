using FlowSpike.Models;
using FlowSpike.State;

namespace FlowSpike.Tests.State;

/// <summary>docs/spec.md §5.</summary>
public class LookupCsvTests
{
    private static readonly BaselineRow[] Rows =
    [
        new(0x0A00000A, 3, 6, 5.0, 1.4142135623730951),  // 10.0.0.10
        new(0x0A000009, null, 7, 5.020833333333333, 1.51963423047931), // 10.0.0.9
        new(0xC0A80101, 20, null, null, null), // 192.168.1.1
    ];

    [Fact]
    public void Export_is_the_splunk_table_with_ordinal_order_and_empty_nulls()
    {
        const string expected =
            "src_ip,latestCount,numDataPoints,avgBlockedConnections,stdevBlockedConnections\n" +
            "10.0.0.10,3,6,5,1.4142135623730951\n" +
            "10.0.0.9,,7,5.020833333333333,1.51963423047931\n" +
            "192.168.1.1,20,,,\n";
        Assert.Equal(expected, LookupCsv.ToText(Rows));
    }

    [Fact]
    public void Import_accepts_both_header_orders()
    {
        const string shipped =
            "src_ip,numDataPoints,latestCount,avgBlockedConnections,stdevBlockedConnections\r\n" +
            "10.0.0.10,6,3,5,1.4142135623730951\r\n" +
            "10.0.0.9,7,,5.020833333333333,1.51963423047931\r\n" +
            "\"192.168.1.1\",,20,,";
        var fromShipped = LookupCsv.Read(new StringReader(shipped), "shipped.csv");
        var fromExport = LookupCsv.Read(new StringReader(LookupCsv.ToText(Rows)), "export.csv");
        Assert.Equal(Rows, fromShipped);
        Assert.Equal(Rows, fromExport);
    }

    [Theory]
    [InlineData(
        "src_ip,latestCount,numDataPoints,avgBlockedConnections,stdevBlockedConnections\n10.0.0.1,1,2,3,4\n"
        + "10.0.0.x,1,2,3,4\n", "line 3: src_ip '10.0.0.x'")]
    [InlineData("src_ip,latestCount,numDataPoints,avgBlockedConnections,stdevBlockedConnections\n10.0.0.1,1,2,abc,4\n",
        "line 2: avgBlockedConnections 'abc'")]
    [InlineData("src_ip,latestCount,numDataPoints,avgBlockedConnections,stdevBlockedConnections\n10.0.0.1,-1,2,3,4\n",
        "line 2: latestCount '-1'")]
    [InlineData("src_ip,latestCount,numDataPoints,avgBlockedConnections,stdevBlockedConnections\n10.0.0.1,1,2,3,-1\n",
        "line 2: stdevBlockedConnections '-1' is not a non-negative number")]
    [InlineData("src_ip,latestCount,numDataPoints,avgBlockedConnections,stdevBlockedConnections\n10.0.0.1,1,2,-0.5,1\n",
        "line 2: avgBlockedConnections '-0.5'")]
    [InlineData("src_ip,latestCount,numDataPoints,avgBlockedConnections,stdevBlockedConnections\n10.0.0.1,1,2,3\n",
        "line 2: expected 5 fields, found 4")]
    [InlineData(
        "src_ip,latestCount,numDataPoints,avgBlockedConnections,stdevBlockedConnections\n10.0.0.1,1,2,3,4\n"
        + "10.0.0.1,1,2,3,4\n", "line 3: src_ip 10.0.0.1 appears twice")]
    [InlineData("src_ip,latestCount,avgBlockedConnections,stdevBlockedConnections\n",
        "missing column(s) numDataPoints")]
    [InlineData("src_ip,latestCount,numDataPoints,avgBlockedConnections,stdevBlockedConnections,extra\n",
        "unknown column 'extra'")]
    public void Bad_rows_name_their_line(string csv, string expected)
    {
        var e = Assert.Throws<FormatException>(() => LookupCsv.Read(new StringReader(csv), "bad.csv"));
        Assert.Contains("bad.csv", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
