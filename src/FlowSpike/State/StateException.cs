namespace FlowSpike.State;

/// <summary>The state file cannot be used as asked. The message names the file and the reason; the file is left
/// intact.</summary>
public sealed class StateException(string message, Exception? inner = null) : Exception(message, inner);
