namespace FlowSpike.Runs;

/// <summary>
/// What one place detect runs supplies to <see cref="DetectSequence"/>: its state, its scan and how it closes one
/// window. The local state and the cluster are the two; every decision in between is the sequence's.
/// </summary>
internal interface IDetectPath
{
    /// <summary>Where committed alerts wait for their sinks.</summary>
    State.IOutbox Outbox { get; }

    /// <summary>The state as planning needs it; refuses a state the request cannot use.</summary>
    Task<DetectPlanInput> ReadStateAsync(DetectRequest request, CancellationToken cancellation);

    /// <summary>Scans the inputs over [from, to) and returns the flow-log records seen per window; refuses inputs
    /// that hold nothing, or a state that can score no host.</summary>
    Task<IReadOnlyDictionary<long, long>> ScanAsync(long from, long to, CancellationToken cancellation);

    /// <summary>Counts, tests and commits one window with its alerts.</summary>
    Task<WindowTally> CloseWindowAsync(long window, CancellationToken cancellation);

    /// <summary>After the last delivery: clean-up, and what the summary line adds (empty for nothing).</summary>
    Task<string> FinishAsync();
}
