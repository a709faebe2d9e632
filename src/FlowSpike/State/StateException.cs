namespace FlowSpike.State;

/// <summary>The state file cannot be used as asked. The message names the file and the reason; the file is left
/// intact.</summary>
public sealed class StateException(string message, Exception? inner = null, bool inUse = false)
    : Exception(message, inner)
{
    /// <summary>Another flowspike process holds the state's lock (it may be done soon).</summary>
    public bool InUse { get; } = inUse;
}
