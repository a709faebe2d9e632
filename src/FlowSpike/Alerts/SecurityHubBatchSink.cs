using System.Text;

namespace FlowSpike.Alerts;

/// <summary>
/// Writes ASFF findings as files ready for Security Hub's BatchImportFindings: {"Findings": [...]}, at most 100
/// findings and 6 MB a file. File names come from the first alert in them, and files are written whole and renamed,
/// so re-delivery after a crash rewrites the same file instead of adding another.
/// </summary>
public sealed class SecurityHubBatchSink(string directory, AsffOptions options) : IAlertSink
{
    public const int MaxFindings = 100;
    public const int MaxBatchBytes = 6 * 1024 * 1024;

    public string Name { get; } = "securityhub:" + Path.GetFullPath(directory);

    public void Deliver(IReadOnlyList<State.PendingAlert> alerts)
    {
        Directory.CreateDirectory(directory);
        var batch = new List<string>();
        int bytes = 0;
        string? first = null;
        foreach (var pending in alerts)
        {
            string finding = AsffFinding.Render(AlertJson.Parse(pending.Body), options);
            int size = Encoding.UTF8.GetByteCount(finding) + 1;
            if (batch.Count == MaxFindings || bytes + size + 16 > MaxBatchBytes)
            {
                Write(first!, batch);
                batch.Clear();
                bytes = 0;
            }
            if (batch.Count == 0)
                first = pending.Id;
            batch.Add(finding);
            bytes += size;
        }
        if (batch.Count > 0)
            Write(first!, batch);
    }

    private void Write(string firstId, List<string> findings)
    {
        string path = Path.Combine(directory, $"findings-{firstId}.json");
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, "{\"Findings\":[" + string.Join(",", findings) + "]}\n");
        File.Move(tmp, path, overwrite: true);
    }

    public void Dispose() { }
}
