namespace FlowSpike.Records;

/// <summary>
/// An input the user pointed at cannot be read. The message names it and says why; never a stack trace.
/// </summary>
/// <param name="unsupported">
/// The object is of a kind FlowSpike does not read (a Transit Gateway flow log, a header without the needed fields,
/// binary content), found before any of its records was counted: `--skip-unsupported` may skip it.
/// </param>
/// <param name="reason">Why it is not a flow log, when <paramref name="unsupported"/>.</param>
public sealed class FlowInputException(
    string message, Exception? inner = null, bool unsupported = false, SkipReason reason = SkipReason.OtherFormat)
    : Exception(message, inner)
{
    public bool Unsupported { get; } = unsupported;

    public SkipReason Reason { get; } = reason;

    /// <summary>The reason, settings named by their property (see <see cref="Setting"/>).</summary>
    public override string Message => Setting.Render(base.Message);

    /// <summary>The reason with each setting shown by <paramref name="show"/>.</summary>
    public string Render(Func<string, string> show) => Setting.Render(base.Message, show);
}
