using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Synth;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Records;

/// <summary>The same logical records in every container give byte-identical alerts and lookup to the plain
/// text.</summary>
public class ContainerParityTests
{
    private static (string Alerts, string Lookup) Run(string input, TempDir dir, string name)
    {
        string state = dir.File(name + ".db"), alerts = dir.File(name + ".jsonl");
        Pipeline.Baseline(state, input, SynthData.From, SynthData.BaselineEnd);
        Pipeline.Detect(state, input, alerts, new DetectRequest { From = SynthData.BaselineEnd, To = SynthData.End });
        return (File.ReadAllText(alerts), LookupCsv.ToText(Pipeline.Lookup(state)));
    }

    [Theory]
    [InlineData(FlowContainer.CloudWatch)]
    [InlineData(FlowContainer.Subscription)]
    [InlineData(FlowContainer.Firehose)]
    [InlineData(FlowContainer.Parquet)]
    [InlineData(FlowContainer.Ocsf)]
    public void Every_container_gives_the_text_results(FlowContainer container)
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        using var dir = new TempDir();
        var expected = Run(set.Logs, dir, "text");
        Assert.NotEmpty(expected.Alerts);

        string converted = dir.File("converted");
        FlowContainers.ConvertTree(set.Logs, converted, container);
        var actual = Run(converted, dir, container.ToString());
        Assert.Equal(expected.Lookup, actual.Lookup);
        Assert.Equal(expected.Alerts, actual.Alerts);
    }
}
