using System.Collections.Concurrent;
using FlowSpike.Synth;
using FlowSpike.Tests.Reference;

namespace FlowSpike.Tests.Support;

/// <summary>Synthetic data sets, generated once per layout per test run and shared read-only.</summary>
public static class SynthData
{
    public static readonly DateTimeOffset Start = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
    public static long From => Start.ToUnixTimeSeconds();
    public static long BaselineEnd => From + 7 * 86400L;
    public static long End => From + 10 * 86400L;

    private static readonly ConcurrentDictionary<SynthLayout, Lazy<DataSet>> Sets = new();

    internal sealed record DataSet(string Root, string Logs, SynthResult Result, List<RefRecord> Records);

    internal static DataSet Get(SynthLayout layout) => Sets.GetOrAdd(layout,
        l => new Lazy<DataSet>(() => Make(l))).Value;

    private static DataSet Make(SynthLayout layout)
    {
        string root =
            Path.Combine(Path.GetTempPath(), "flowspike-tests", "synth-" + layout + "-" + Environment.ProcessId);
        if (Directory.Exists(root))
            Directory.Delete(root, true);
        var result = FlowSynth.Generate(new SynthOptions
        {
            Start = Start,
            Days = 10,
            Hosts = 30,
            Seed = 7,
            Spikes = 5,
            SpikeFromDay = 7,
            Layout = layout,
            FilesPerHour = 2,
            RecordsPerHostHour = 20,
        }, root);
        string logs = Path.Combine(root, "AWSLogs");
        return new DataSet(root, logs, result, ReferenceSpec.ReadDirectory(logs));
    }
}
