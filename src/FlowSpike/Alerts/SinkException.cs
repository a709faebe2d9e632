namespace FlowSpike.Alerts;

/// <summary>A sink gave up after its retries; the alerts stay in the outbox.</summary>
public sealed class SinkException(string message, Exception? inner = null) : Exception(message, inner);
