using System.Globalization;
using FlowSpike.Synth;
using FlowSpike.Tests.Reference;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Shape;

/// <summary>
/// The README's embedding example is the code below, character for character (indentation aside), and it runs:
/// its lookup and alerts are the reference implementation's.
/// </summary>
public sealed class ReadmeExampleTests
{
    // Spelled apart so that these lines are not the markers themselves.
    private const string Begin = "// README example " + "begins", End = "// README example " + "ends";

    [Fact]
    public void The_readme_shows_this_example()
    {
        string source = File.ReadAllText(Path.Combine(Samples.RepositoryRoot, "tests", "FlowSpike.Tests", "Shape",
            "ReadmeExampleTests.cs"));
        int from = source.IndexOf(Begin, StringComparison.Ordinal);
        int to = source.LastIndexOf(End, StringComparison.Ordinal);
        var lines = source[(from + Begin.Length)..to].Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);
        string readme = File.ReadAllText(Path.Combine(Samples.RepositoryRoot, "README.md"));
        var shown = readme.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        string example = string.Join("\n", lines);
        Assert.Contains(example, string.Join("\n", shown), StringComparison.Ordinal);
    }

    [Fact]
    public void The_example_runs_and_gives_the_reference_alerts()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        using var dir = new TempDir();
        string state = dir.File("flowspike.db"), alerts = dir.File("alerts.jsonl");

        var (baseline, detect) = Example(set.Logs, state, alerts);

        var lookup = ReferenceSpec.Baseline(set.Records, SynthData.From, SynthData.BaselineEnd, 3600);
        var expected = ReferenceSpec.Detect(lookup, set.Records, SynthData.BaselineEnd, SynthData.End, 3600);
        Assert.Equal(lookup.Count, baseline.Hosts);
        Assert.Equal(72, detect.WindowsClosed);
        Assert.Equal(expected.Count, detect.Alerts);
        Assert.Equal(0, detect.Held);
        Compare.Alerts(expected, Pipeline.ReadAlerts(alerts));
    }

    private static (BaselineSummary, DetectSummary) Example(string folder, string statePath, string alertsPath)
    {
        // README example begins
        static long At(string utc) => DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture).ToUnixTimeSeconds();

        var settings = new JobSettings { Inputs = [folder], State = statePath };
        var baseline = Engine.Baseline(settings with { From = At("2026-10-01T00:00Z"), To = At("2026-10-08T00:00Z") });
        var detect = Engine.Detect(settings with
        {
            From = At("2026-10-08T00:00Z"),
            To = At("2026-10-11T00:00Z"),
            Output = alertsPath,
        });
        Console.WriteLine($"{baseline.Hosts} hosts; {detect.Alerts} alert(s) in {detect.WindowsClosed} window(s)");
        // README example ends
        return (baseline, detect);
    }
}
