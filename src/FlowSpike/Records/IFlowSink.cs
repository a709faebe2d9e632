namespace FlowSpike.Records;

/// <summary>A line sink told which source and layout the following lines belong to.</summary>
public interface IFlowSink : ILineSink
{
    /// <summary>Called before the lines of a source; <paramref name="firstLine"/> is the 1-based number of its first data line.</summary>
    void BeginSource(string source, FlowLayout layout, long firstLine);

    /// <summary>A line longer than the read buffer was skipped whole (lines are counted by the caller then).</summary>
    void OnOverlongLine(long lineNumber);
}
