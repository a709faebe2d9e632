using System.Runtime.Intrinsics;
using FlowSpike.Records;

namespace FlowSpike.Tests.Support;

/// <summary>Every tokenizer path this CPU can run; the scalar twin always.</summary>
public static class Modes
{
    public static IReadOnlyList<TokenizerMode> List()
    {
        var list = new List<TokenizerMode> { TokenizerMode.Scalar };
        if (Vector256.IsHardwareAccelerated)
            list.Add(TokenizerMode.Vector256);
        if (Vector512.IsHardwareAccelerated)
            list.Add(TokenizerMode.Vector512);
        return list;
    }

    public static TheoryData<TokenizerMode> Available() => new(List());
}
