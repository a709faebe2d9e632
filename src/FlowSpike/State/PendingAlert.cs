namespace FlowSpike.State;

/// <summary>An alert committed with its window but not yet delivered: the outbox that makes delivery survive a crash.</summary>
public sealed record PendingAlert(string Id, long WindowStart, string Body);
