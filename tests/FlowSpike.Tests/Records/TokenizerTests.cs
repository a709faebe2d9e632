using System.Text;
using FlowSpike.Records;
using FlowSpike.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace FlowSpike.Tests.Records;

/// <summary>The vector paths and the scalar twin must hand the handler exactly the same lines and field
/// boundaries.</summary>
public class TokenizerTests
{
    private struct RecordingHandler(List<string> calls) : ILineHandler
    {
        public readonly void OnLine(ReadOnlySpan<byte> line, ReadOnlySpan<int> fieldEnds, int fieldCount) =>
            calls.Add($"{Encoding.Latin1.GetString(line)}|{string.Join(',', fieldEnds.ToArray())}|{fieldCount}");
    }

    private static List<string> Run(byte[] buffer, TokenizerMode mode)
    {
        var calls = new List<string>();
        var handler = new RecordingHandler(calls);
        LineTokenizer.Tokenize(buffer, ref handler, mode);
        return calls;
    }

    [Fact]
    public void Splits_a_line_into_fields()
    {
        foreach (var mode in Modes.List())
        {
            var calls = Run("ab c  d\n\nxyz\n"u8.ToArray(), mode);
            Assert.Equal(["ab c  d|2,4,5,7|4", "|0|1", "xyz|3|1"], calls);
        }
    }

    [Fact]
    public void Random_buffers_tokenize_identically_on_every_path()
    {
        var modes = Modes.List();
        Prop.ForAll<byte[]>(raw =>
        {
            // Bias toward separators so lines and fields are plentiful, and end with a newline as the reader
            // guarantees.
            var buffer =
                raw.Select(b => b % 5 == 0 ? (byte)' ' : b % 7 == 0 ? (byte)'\n' : b).Append((byte)'\n').ToArray();
            var expected = Run(buffer, TokenizerMode.Scalar);
            return modes.All(m => Run(buffer, m).SequenceEqual(expected));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Long_random_flow_text_tokenizes_identically_on_every_path()
    {
        var rng = new Random(1234);
        var sb = new StringBuilder();
        for (int i = 0; i < 3000; i++)
        {
            int fields = rng.Next(1, 80); // beyond MaxFields too
            for (int f = 0; f < fields; f++)
            {
                if (f > 0)
                    sb.Append(' ', rng.Next(10) == 0 ? 2 : 1);
                sb.Append(new string('x', rng.Next(0, 40)));
            }
            sb.Append(rng.Next(20) == 0 ? "\r\n" : "\n");
        }
        var buffer = Encoding.ASCII.GetBytes(sb.ToString());
        var expected = Run(buffer, TokenizerMode.Scalar);
        Assert.Equal(3000, expected.Count);
        foreach (var mode in Modes.List())
            Assert.Equal(expected, Run(buffer, mode));
    }

    [Theory]
    [InlineData("scalar", TokenizerMode.Scalar)]
    [InlineData("0", TokenizerMode.Scalar)]
    [InlineData("off", TokenizerMode.Scalar)]
    public void Environment_switch_forces_the_scalar_path(string setting, TokenizerMode expected) =>
        Assert.Equal(expected, LineTokenizer.ChooseMode(setting));
}
