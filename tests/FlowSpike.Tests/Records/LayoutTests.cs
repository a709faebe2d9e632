using System.Text;
using FlowSpike.Records;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Records;

public class LayoutTests
{
    [Fact]
    public void Default_layout_positions()
    {
        var l = FlowLayout.Default;
        Assert.Equal(14, l.FieldCount);
        Assert.Equal((3, 4, 10, 12, 2), (l.SrcAddr, l.DstAddr, l.Start, l.Action, l.InterfaceId));
    }

    [Fact]
    public void Header_fields_in_any_order()
    {
        Assert.True(FlowLayout.TryFromHeader("action start vpc-id dstaddr flow-direction srcaddr"u8, out var l, out _));
        Assert.Equal((5, 3, 1, 0, -1), (l!.SrcAddr, l.DstAddr, l.Start, l.Action, l.InterfaceId));
    }

    [Theory]
    [InlineData("version srcaddr dstaddr start", "action")]
    [InlineData("srcaddr dstaddr start action srcaddr", "twice")]
    public void Unusable_headers_say_why(string header, string expected)
    {
        Assert.False(FlowLayout.TryFromHeader(Encoding.ASCII.GetBytes(header), out _, out string? error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Aws_format_string_is_parsed()
    {
        Assert.True(
            FlowLayout.TryFromFormatString(
                "${version} ${vpc-id} ${srcaddr} ${dstaddr} ${start} ${action} ${interface-id}", out var l, out _));
        Assert.Equal((2, 3, 4, 5, 6), (l!.SrcAddr, l.DstAddr, l.Start, l.Action, l.InterfaceId));
    }

    [Theory]
    [InlineData("${version} ${srcaddr} ${dstaddr} ${start} ${action} ${bogus}", "unknown field 'bogus'")]
    [InlineData("${version} $srcaddr ${dstaddr}", "not of the form")]
    public void Bad_format_strings_name_the_problem(string format, string expected)
    {
        Assert.False(FlowLayout.TryFromFormatString(format, out _, out string? error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Headerless_custom_format_is_read_with_the_format_string()
    {
        using var dir = new TempDir();
        FlowLayout.TryFromFormatString("${start} ${action} ${srcaddr} ${dstaddr} ${interface-id}", out var layout,
            out _);
        var r = Scan.Text("1700000000 REJECT 10.0.0.1 8.8.8.8 eni-1\n1700000001 REJECT 10.0.0.1 8.8.4.4 eni-1\n", dir,
            layout: layout);
        Assert.Equal(2, r.Diagnostics.Counted);
        Assert.Equal(0, r.Diagnostics.Malformed);
    }

    [Fact]
    public void Every_known_field_name_is_accepted_in_a_header()
    {
        string header = string.Join(' ', FlowFieldNames.All);
        Assert.True(FlowLayout.TryFromHeader(Encoding.ASCII.GetBytes(header), out var l, out string? error), error);
        Assert.Equal(FlowFieldNames.All.Count, l!.FieldCount);
    }
}
