namespace FlowSpike.Records;

/// <summary>
/// An input the user pointed at cannot be read. The message names it and says why; never a stack trace.
/// </summary>
/// <param name="unsupported">
/// The object is of a kind FlowSpike does not read (a Transit Gateway flow log, a header without the needed fields,
/// binary content), found before any of its records was counted: `--skip-unsupported` may skip it.
/// </param>
public sealed class FlowInputException(string message, Exception? inner = null, bool unsupported = false)
    : Exception(message, inner)
{
    public bool Unsupported { get; } = unsupported;
}
