namespace FlowSpike.Records;

/// <summary>An input the user pointed at cannot be read. The message names it and says why; never a stack trace.</summary>
public sealed class FlowInputException(string message, Exception? inner = null) : Exception(message, inner);
