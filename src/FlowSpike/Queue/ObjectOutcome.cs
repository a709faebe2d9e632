namespace FlowSpike.Queue;

/// <summary>What became of one notified object; the reason is its metric label.</summary>
internal enum ObjectOutcome
{
    /// <summary>Read and committed with its ledger entry.</summary>
    Counted,
    /// <summary>Already in the ledger with this version: not read again.</summary>
    Duplicate,
    /// <summary>Counted before with other content: the first content stays counted, as watch does.</summary>
    Changed,
    /// <summary>Outside --key-prefix/--key-regex.</summary>
    Declined,
    /// <summary>Gone before it was read (deleted, or overwritten so this version no longer exists): recorded.</summary>
    Missing,
    /// <summary>Read but not a flow log FlowSpike can count: recorded with the reason.</summary>
    Unreadable,
    /// <summary>Could not be read for a reason that may pass: its message is left on the queue.</summary>
    Transient,
}

internal static class ObjectOutcomes
{
    public static string Label(this ObjectOutcome o) => o switch
    {
        ObjectOutcome.Counted => "counted",
        ObjectOutcome.Duplicate => "duplicate",
        ObjectOutcome.Changed => "changed",
        ObjectOutcome.Declined => "declined",
        ObjectOutcome.Missing => "missing",
        ObjectOutcome.Unreadable => "not_flow_log",
        _ => "transient",
    };
}
