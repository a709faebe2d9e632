namespace FlowSpike.Delivery;

/// <summary>The receiving end refused one request as such (HTTP 400, 413, 415, 422): retrying it at once will not help,
/// but the sink itself works.</summary>
internal sealed class SinkRejectedException(string message) : Exception(message);
