namespace FlowSpike.Delivery;

/// <summary>A sink could not deliver after its retries (an outage); the alerts stay in the outbox.</summary>
internal sealed class SinkException(string message, Exception? inner = null) : Exception(message, inner);
