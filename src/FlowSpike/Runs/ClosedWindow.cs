using FlowSpike.Alerts;
using FlowSpike.State;

namespace FlowSpike.Runs;

/// <summary>
/// A window's alerts ready to commit: every alert (annotated), the outbox entries of those that go out, the new
/// suppression marks, and the ids that suppression withheld.
/// </summary>
internal sealed record ClosedWindow(
    IReadOnlyList<Alert> Alerts,
    IReadOnlyList<OutboxAlert> Outbox,
    IReadOnlyDictionary<string, long> Marks,
    IReadOnlySet<string> Suppressed);
