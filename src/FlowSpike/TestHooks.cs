namespace FlowSpike;

/// <summary>
/// Points where a test may slow or stop a run, so that a test in another process can kill it at a chosen step. The
/// CLI sets them from its test switches; in production each is null and costs one check.
/// </summary>
internal static class TestHooks
{
    /// <summary>Before each input file is read.</summary>
    public static Action? FileRead { get; set; }

    /// <summary>After each window's commit, before the next window.</summary>
    public static Action? WindowCommitted { get; set; }

    /// <summary>At each step of a queue round ("received", "counted"); the hook may block for ever.</summary>
    public static Action<string>? QueueStep { get; set; }
}
