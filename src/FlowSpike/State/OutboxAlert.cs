namespace FlowSpike.State;

/// <summary>
/// An alert committed with its window and not yet delivered to a sink: the outbox that makes delivery survive a crash.
/// <see cref="Attempts"/> counts the times that sink rejected it.
/// </summary>
internal sealed record OutboxAlert(string Id, long WindowStart, string Body, int Attempts = 0);
