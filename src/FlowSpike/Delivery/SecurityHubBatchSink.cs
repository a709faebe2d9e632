using System.Security.Cryptography;
using System.Text;
using FlowSpike.Alerts;
using FlowSpike.State;

namespace FlowSpike.Delivery;

/// <summary>
/// Writes ASFF findings as files ready for Security Hub's BatchImportFindings: {"Findings": [...]}, at most 100
/// findings and 6 MB a file. A file is named after the first alert in it (made safe for a file name: alert ids may
/// hold '/' and ':'), written whole and renamed, so re-delivery after a crash rewrites the same file instead of adding
/// another, and nothing is ever written outside the folder.
/// </summary>
internal sealed class SecurityHubBatchSink(string directory, AsffOptions options) : IAlertSink
{
    public const int MaxFindings = FindingBatches.MaxFindings;
    public const int MaxBatchBytes = FindingBatches.MaxBytes;

    private readonly string _directory = Path.GetFullPath(directory);

    public string Name { get; } = SinkName.Of("securityhub", Path.GetFullPath(directory));

    public void Check()
    {
        if (File.Exists(_directory))
            throw new IOException($"{directory}: the securityhub sink needs a folder, and this is a file");
    }

    public void Deliver(IReadOnlyList<OutboxAlert> alerts, DeliveryReceipt receipt)
    {
        Directory.CreateDirectory(_directory);
        foreach (var batch in FindingBatches.Split(alerts, options))
            Write(batch, receipt);
    }

    /// <summary>The batch file for an alert id: only [A-Za-z0-9._-], and a hash so distinct ids never
    /// collide.</summary>
    public static string FileName(string firstId)
    {
        var safe = new StringBuilder(firstId.Length);
        foreach (char c in firstId)
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(firstId)))[..12];
        string stem = safe.Length > 120 ? safe.ToString(0, 120) : safe.ToString();
        return $"findings-{stem.TrimStart('.')}-{hash}.json";
    }

    private void Write(List<(OutboxAlert Alert, string Finding)> batch, DeliveryReceipt receipt)
    {
        string path = Path.GetFullPath(Path.Combine(_directory, FileName(batch[0].Alert.Id)));
        if (!string.Equals(Path.GetDirectoryName(path), _directory, StringComparison.Ordinal))
            throw new SinkException($"refusing to write {path} outside {_directory}");
        AtomicFile.Replace(path, f => f.Write(Encoding.UTF8.GetBytes(FindingBatches.Body(batch) + "\n")));
        receipt.Deliver([.. batch.Select(b => b.Alert.Id)]);
    }

    public void Dispose() { }
}
