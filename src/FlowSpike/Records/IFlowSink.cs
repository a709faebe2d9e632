namespace FlowSpike.Records;

/// <summary>
/// Receives what a reader finds: tokenized lines from text and JSON containers, or typed records from columnar ones.
/// </summary>
public interface IFlowSink : ILineSink
{
    /// <summary>
    /// Called before the lines of a source; <paramref name="firstLine"/> is the 1-based number of its first data line.
    /// </summary>
    void BeginSource(string source, FlowLayout layout, long firstLine);

    /// <summary>A line longer than the read buffer was skipped whole (lines are counted by the caller then).</summary>
    void OnOverlongLine(long lineNumber);

    /// <summary>
    /// One record from a columnar source, already typed. <paramref name="start"/> is null when the record has none;
    /// empty spans stand for missing values.
    /// </summary>
    void OnRecord(
        bool reject, ReadOnlySpan<byte> src, ReadOnlySpan<byte> dst, long? start, ReadOnlySpan<byte> interfaceId,
        ReadOnlySpan<byte> account, ReadOnlySpan<byte> vpc);

    /// <summary>
    /// A record of a JSON container that is not a flow record (the reason says why); counted as malformed.
    /// </summary>
    void OnMalformedRecord(string reason);
}
