using FlowSpike.Alerts;
using FlowSpike.Models;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.Synth;
using FlowSpike.Tests.Reference;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Core;

/// <summary>
/// The production pipeline against the plain reference implementation of docs/spec.md, on synthetic data with noise and
/// injected spikes, for every layout and every tokenizer path.
/// </summary>
public class ParityTests
{
    public static TheoryData<SynthLayout, TokenizerMode> LayoutsAndModes()
    {
        var data = new TheoryData<SynthLayout, TokenizerMode>();
        foreach (var layout in new[] { SynthLayout.DefaultWithHeader, SynthLayout.ShuffledV5Header,
            SynthLayout.DefaultNoHeader })
        {
            foreach (var mode in Modes.List())
                data.Add(layout, mode);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(LayoutsAndModes))]
    public void Baseline_and_detection_match_the_reference(SynthLayout layout, TokenizerMode mode)
    {
        var set = SynthData.Get(layout);
        using var dir = new TempDir();
        string state = dir.File("state.db"), alerts = dir.File("alerts.jsonl");

        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd, 3600, mode);
        var expectedLookup = ReferenceSpec.Baseline(set.Records, SynthData.From, SynthData.BaselineEnd, 3600);
        Compare.Lookup(expectedLookup, Pipeline.Lookup(state));

        Pipeline.Detect(state, set.Logs, alerts, new DetectRequest { From = SynthData.BaselineEnd, To = SynthData.End },
            mode);
        var expectedAlerts =
            ReferenceSpec.Detect(expectedLookup, set.Records, SynthData.BaselineEnd, SynthData.End, 3600);

        Assert.NotEmpty(expectedAlerts);
        Compare.Alerts(expectedAlerts, Pipeline.ReadAlerts(alerts));
        Compare.Lookup(expectedLookup, Pipeline.Lookup(state));
    }

    public static TheoryData<double, long, double, long, long> Settings() => new()
    {
        // deviation, data points, weight, baseline span, detect window
        { 2.0, 3, 168, 3600, 3600 },
        { 4.5, 10, 720, 3600, 3600 },
        { 1.5, 0, 24, 7200, 1800 },
        { 3.0, 5, 720, 1800, 7200 },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Non_default_thresholds_and_sizes_match_the_reference(double deviation, long dataPoints, double weight,
        long span, long window)
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        using var dir = new TempDir();
        string state = dir.File("state.db"), alerts = dir.File("alerts.jsonl");
        var settings =
            new SpikeSettings { DeviationThreshold = deviation, DataPointThreshold = dataPoints, Weight = weight };

        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd, span);
        Pipeline.Detect(state, set.Logs, alerts,
            new DetectRequest
            {
                From = SynthData.BaselineEnd,
                To = SynthData.End,
                WindowSeconds = window,
                AllowSpanMismatch = true,
                Policy = new AlertPolicy { Settings = settings }
            });

        var lookup = ReferenceSpec.Baseline(set.Records, SynthData.From, SynthData.BaselineEnd, span);
        var expected =
            ReferenceSpec.Detect(lookup, set.Records, SynthData.BaselineEnd, SynthData.End, window, deviation,
                dataPoints, weight);
        Compare.Alerts(expected, Pipeline.ReadAlerts(alerts));
        Compare.Lookup(lookup, Pipeline.Lookup(state));
    }

    [Fact]
    public void Allowlists_suppress_alerts_but_not_baseline_updates()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        var spike = set.Result.Spikes[0];
        using var dir = new TempDir();
        string state = dir.File("state.db"), alerts = dir.File("alerts.jsonl");
        var allowSrc = new[] { spike.SrcIp + "/32" };
        var filter = new AlertFilter(CidrSetOf(allowSrc), CidrSetOf([]));

        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd);
        Pipeline.Detect(state, set.Logs, alerts,
            new DetectRequest
            {
                From = SynthData.BaselineEnd,
                To = SynthData.End,
                Policy = new AlertPolicy { Filter = filter }
            });

        var lookup = ReferenceSpec.Baseline(set.Records, SynthData.From, SynthData.BaselineEnd, 3600);
        var expected =
            ReferenceSpec.Detect(lookup, set.Records, SynthData.BaselineEnd, SynthData.End, 3600, allowSrc: allowSrc);
        Assert.DoesNotContain(expected, a => a.SrcIp == spike.SrcIp);
        Compare.Alerts(expected, Pipeline.ReadAlerts(alerts));
        Compare.Lookup(lookup, Pipeline.Lookup(state));
    }

    [Fact]
    public void Every_injected_spike_is_found_in_default_mode()
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        using var dir = new TempDir();
        string state = dir.File("state.db"), alerts = dir.File("alerts.jsonl");
        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd);
        Pipeline.Detect(state, set.Logs, alerts,
            new DetectRequest { From = SynthData.BaselineEnd, To = SynthData.End });
        var found =
            Pipeline.ReadAlerts(alerts)
            .Select(a => (a.GetProperty("src_ip").GetString(), a.GetProperty("window_start").GetString())).ToHashSet();
        foreach (var s in set.Result.Spikes)
            Assert.Contains((s.SrcIp, Time.TimeRange.Format(s.WindowStart.ToUnixTimeSeconds())), found);
    }

    private static Selection.CidrSet CidrSetOf(IEnumerable<string> cidrs) => Selection.CidrSet.Parse(cidrs);
}
