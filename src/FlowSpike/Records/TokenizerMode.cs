namespace FlowSpike.Records;

/// <summary>Which separator search the tokenizer uses. FastPaths.Tokenizer forces one.</summary>
public enum TokenizerMode
{
    Scalar,
    Vector256,
    Vector512,
}
