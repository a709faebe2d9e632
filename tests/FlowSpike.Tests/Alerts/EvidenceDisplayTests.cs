using FlowSpike.Alerts;
using FlowSpike.Cli;
using FlowSpike.Models;
using FlowSpike.Reports;

namespace FlowSpike.Tests.Alerts;

/// <summary>The model's evidence of an alert, shown in words by `flowspike explain` and the HTML report.</summary>
public class EvidenceDisplayTests
{
    private static Alert Sample(SpikeEvidence? evidence) => new()
    {
        WindowStart = 3600,
        WindowEnd = 7200,
        SrcIp = "10.0.0.7",
        BlockedConnections = 31,
        BlockedDestIps = ["198.51.100.1"],
        ResourceIds = ["eni-1"],
        LatestCount = 31,
        NumDataPoints = 400,
        AvgBlockedConnections = 4,
        StdevBlockedConnections = 2,
        Threshold = 17,
        Model = evidence is null ? "splunk" : "recommended",
        DeviationThreshold = 3,
        DataPointThreshold = 5,
        Evidence = evidence,
    };

    // Tail 2.5e-9 lies between 1e-12 and 1e-8: severity "high" by SpikeEvidence.SeverityOf's bands.
    private static readonly SpikeEvidence Known = new(4.2, 0.15, 2.5e-9, SpikeEvidence.CountRule);

    [Fact]
    public void Explain_shows_the_evidence_of_an_alert_that_carries_it()
    {
        var story = HostStory.FromParts("10.0.0.7", null, 3600, [], [Sample(Known)]);
        string text = ExplainCommand.Render(story, 0, 7200, 40);
        Assert.Contains("expected count 4.20", text, StringComparison.Ordinal);
        Assert.Contains("dispersion 0.150 (negative binomial α; 0 is Poisson)", text, StringComparison.Ordinal);
        Assert.Contains("tail probability 2.5E-09", text, StringComparison.Ordinal);
        Assert.Contains("rule count-tail (the host's own count model for this hour)", text, StringComparison.Ordinal);
        Assert.Contains("severity high", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_shows_a_splunk_alert_as_before()
    {
        var story = HostStory.FromParts("10.0.0.7", null, 3600, [], [Sample(null)]);
        string text = ExplainCommand.Render(story, 0, 7200, 40);
        Assert.Contains("31 blocked  threshold    17.00  1 destination(s)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("expected count", text, StringComparison.Ordinal);
        Assert.DoesNotContain("tail probability", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_lists_the_evidence_labelled_and_none_for_splunk()
    {
        string html = HtmlReport.EvidenceList(Sample(Known with { Rule = SpikeEvidence.IntermittentRule }));
        Assert.Contains("<dt>expected count</dt><dd>4.20</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dt>dispersion</dt><dd>0.150", html, StringComparison.Ordinal);
        Assert.Contains("<dt>tail probability</dt><dd>2.5E-09", html, StringComparison.Ordinal);
        Assert.Contains("<dt>rule</dt><dd>intermittent-tail (the host&#39;s active share", html,
            StringComparison.Ordinal);
        Assert.Contains("<dt>severity</dt><dd>high</dd>", html, StringComparison.Ordinal);
        Assert.Equal("", HtmlReport.EvidenceList(Sample(null)));
    }
}
