using FlowSpike.Alerts;
using FlowSpike.Jobs;
using FlowSpike.Runs;
using FlowSpike.Synth;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Core;

/// <summary>`flowspike evaluate` counts each alert once, however many windows follow it.</summary>
public class EvaluationCountTests
{
    [Fact]
    public void Every_alert_is_counted_once()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        var labels = Evaluation.ReadLabels(set.Result.LabelsPath);
        var byModel = new Dictionary<string, List<Alert>>();
        var rows = EvaluateJob.Resolve(new JobSettings
        {
            Inputs = [set.Logs],
            Labels = set.Result.LabelsPath,
            Models = ["splunk", "recommended"]
        })
            .Run(SynthData.From, SynthData.BaselineEnd, SynthData.End, NullRunLog.Instance, byModel);
        foreach (var row in rows)
        {
            // An alert is one host in one window: its id is unique, and the row counts exactly those.
            var ids = byModel[row.Model].Select(a => a.Id).ToList();
            Assert.NotEmpty(ids);
            Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
            Assert.Equal(ids.Count, row.Alerts);
        }
    }
}
