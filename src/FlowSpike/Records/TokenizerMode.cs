namespace FlowSpike.Records;

/// <summary>Which separator search the tokenizer uses. Set FLOWSPIKE_SIMD to scalar, 256 or 512 to force one.</summary>
public enum TokenizerMode
{
    Scalar,
    Vector256,
    Vector512,
}
