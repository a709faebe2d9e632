using System.Text;
using FlowSpike.Alerts;
using FlowSpike.State;

namespace FlowSpike.Delivery;

/// <summary>
/// Alerts as ASFF findings cut into BatchImportFindings requests: at most 100 findings and 6 MB a request, in order.
/// Both Security Hub sinks (the API and its request files) batch this way.
/// </summary>
internal static class FindingBatches
{
    public const int MaxFindings = 100;
    public const int MaxBytes = 6 * 1024 * 1024;

    public static IEnumerable<List<(OutboxAlert Alert, string Finding)>> Split(IReadOnlyList<OutboxAlert> alerts,
        AsffOptions options)
    {
        var batch = new List<(OutboxAlert Alert, string Finding)>();
        int bytes = 0;
        foreach (var held in alerts)
        {
            string finding = AsffFinding.Render(AlertJson.Parse(held.Body), options);
            int size = Encoding.UTF8.GetByteCount(finding) + 1;
            // 16 bytes of room for the {"Findings":[...]} around them.
            if (batch.Count == MaxFindings || (batch.Count > 0 && bytes + size + 16 > MaxBytes))
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }
            batch.Add((held, finding));
            bytes += size;
        }
        if (batch.Count > 0)
            yield return batch;
    }

    /// <summary>The request body of one batch.</summary>
    public static string Body(List<(OutboxAlert Alert, string Finding)> batch) =>
        "{\"Findings\":[" + string.Join(",", batch.Select(b => b.Finding)) + "]}";
}
