using System.Text.Json;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Faults;

/// <summary>
/// A small hand-made data set for the delivery faults: four hosts block 1 or 2 connections an hour for three days,
/// then each blocks 40 once (hours 72, 72, 73 and 74). 40 is far above mean + 3 standard deviations of a 1-or-2
/// series, so the splunk model raises exactly these four alerts (and every other model raises them too).
/// </summary>
public sealed class DeliveryFaultData
{
    public const long T0 = 1_790_812_800;
    public const string From = "2026-10-04T00:00:00Z";
    public const string To = "2026-10-04T04:00:00Z";
    private const int BaselineHours = 72;

    private static readonly (int Hour, string Host)[] Spikes =
        [(72, "10.0.0.5"), (72, "10.0.0.6"), (73, "10.0.0.7"), (74, "10.0.0.8")];

    public DeliveryFaultData(TempDir dir, string model = "splunk")
    {
        var lines = new FlowLines();
        string[] hosts = ["10.0.0.5", "10.0.0.6", "10.0.0.7", "10.0.0.8"];
        for (int h = 0; h < BaselineHours; h++)
        {
            for (int k = 0; k < hosts.Length; k++)
                lines.Add(T0 + h * 3600, hosts[k], "198.51.100.1", count: 1 + (h + k) % 2);
        }
        foreach (var (hour, host) in Spikes)
            lines.Add(T0 + hour * 3600, host, "203.0.113.7", count: 40);
        // Every hour of the detection range has records, so no window is empty.
        for (int h = BaselineHours; h < BaselineHours + 4; h++)
            lines.Add(T0 + h * 3600, "10.0.0.9", "198.51.100.1", action: "ACCEPT");
        Input = dir.Write("flows/f.log", lines.ToString());
        State = dir.File("state.db");
        var r = Support.Cli.Run("baseline", "--input", Input, "--from", "2026-10-01T00:00:00Z", "--to", From,
            "--state", State, "--model", model, "-q");
        Assert.True(r.ExitCode == 0, r.Stderr);
    }

    public string Input { get; }

    public string State { get; }

    /// <summary>The splunk model's alert ids: window start and host.</summary>
    public static IReadOnlyList<string> ExpectedIds => [.. Spikes.Select(s => $"{T0 + s.Hour * 3600}-{s.Host}")];

    public string[] Detect(params string[] extra) =>
        ["detect", "--input", Input, "--from", From, "--to", To, "--state", State, .. extra];

    public static string IdOf(string json) => JsonDocument.Parse(json).RootElement.GetProperty("alert_id").GetString()!;

    /// <summary>No stack trace: no "   at " frame and no exception type name in what the user sees.</summary>
    public static void NoStackTrace(Support.Cli.Outcome r)
    {
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception:", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", r.Stderr, StringComparison.Ordinal);
    }
}
