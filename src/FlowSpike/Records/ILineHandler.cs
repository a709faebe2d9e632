namespace FlowSpike.Records;

/// <summary>Receives each tokenized line. A struct implementation lets the JIT inline the whole scan loop.</summary>
internal interface ILineHandler
{
    /// <param name="line">The line without its '\n' (a trailing '\r' is still there).</param>
    /// <param name="fieldEnds">End offset (exclusive, relative to the line) of each field, at most <see
    /// cref="FlowLayout.MaxFields"/>.</param>
    /// <param name="fieldCount">How many fields the line really has (may exceed fieldEnds.Length).</param>
    void OnLine(ReadOnlySpan<byte> line, ReadOnlySpan<int> fieldEnds, int fieldCount);
}
