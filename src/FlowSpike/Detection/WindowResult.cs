using FlowSpike.Alerts;
using FlowSpike.Models;

namespace FlowSpike.Detection;

/// <summary>One window's outcome: the rows to persist, the alerts to deliver, and counts for the summary.</summary>
internal sealed record WindowResult(
    long WindowStart,
    long WindowEnd,
    IReadOnlyList<BaselineRow> ChangedRows,
    IReadOnlyList<Alert> Alerts,
    int ActiveSources,
    long CountedRecords,
    int Allowlisted)
{
    /// <summary>The test's outcome for every active host.</summary>
    public IReadOnlyList<HostScore> Scores { get; init; } = [];
}
