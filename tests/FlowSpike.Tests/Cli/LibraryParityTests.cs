using FlowSpike.Jobs;
using FlowSpike.Models;
using FlowSpike.Synth;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Cli;

/// <summary>
/// The CLI only binds flags: for every model, `flowspike baseline` and `flowspike detect` with no other flag give the
/// same alerts, byte for byte, as an embedder's direct calls with the same few settings. The model's defaults (entity
/// keying, IPv6, rollout share, rules) come from the library on both paths.
/// </summary>
public sealed class LibraryParityTests
{
    public static TheoryData<string> Models() => [.. SpikeModels.Names];

    [Theory]
    [MemberData(nameof(Models))]
    public void The_cli_and_the_library_give_the_same_alerts(string model)
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        using var dir = new TempDir();
        string from = SynthData.From.ToString(), mid = SynthData.BaselineEnd.ToString(), end = SynthData.End.ToString();
        string cliState = dir.File("cli.db"), cliAlerts = dir.File("cli.jsonl");
        var baseline = Support.Cli.Run("baseline", "--input", set.Logs, "--from", from, "--to", mid, "--state",
            cliState,
            "--model", model, "--quiet");
        Assert.True(baseline.ExitCode == 0, baseline.Stderr);
        var detect = Support.Cli.Run("detect", "--input", set.Logs, "--from", mid, "--to", end, "--state", cliState,
            "--model", model, "--out", cliAlerts, "--quiet");
        Assert.True(detect.ExitCode == 0, detect.Stderr);

        string libAlerts = dir.File("library.jsonl");
        var settings = new JobSettings { Inputs = [set.Logs], Model = model, State = dir.File("library.db") };
        var baselineJob = BaselineJob.Resolve(settings with { From = SynthData.From, To = SynthData.BaselineEnd });
        var detectJob = DetectJob.Resolve(settings with
        {
            From = SynthData.BaselineEnd,
            To = SynthData.End,
            Output = libAlerts,
        });
        using (var store = baselineJob.OpenState())
        {
            baselineJob.Run(store, NullRunLog.Instance);
            using var dispatcher = detectJob.CreateDispatcher(NullRunLog.Instance);
            detectJob.Run(store, dispatcher, NullRunLog.Instance, TestContext.Current.CancellationToken);
        }

        string cli = File.ReadAllText(cliAlerts), library = File.ReadAllText(libAlerts);
        Assert.NotEmpty(cli);
        Assert.Equal(cli, library);
    }

    [Fact]
    public void Each_model_resolves_its_own_defaults()
    {
        var splunk = DetectJob.Resolve(new JobSettings { Inputs = ["x"], From = 0, To = 3600 });
        var recommended = DetectJob.Resolve(new JobSettings
        {
            Inputs = ["x"],
            From = 0,
            To = 3600,
            Model = RecommendedModel.ModelName,
        });
        // The ESCU search ignores IPv6 and annotates nothing; the recommended model does both, with its rules.
        Assert.False(splunk.Input.Internal.HasIpv6);
        Assert.Null(splunk.Request.Policy.Rollout);
        Assert.Null(splunk.Request.Policy.Rules);
        Assert.True(recommended.Input.Internal.HasIpv6);
        Assert.Equal(0.25, recommended.Request.Policy.Rollout!.Share);
        Assert.Equal(new RecommendedSettings(), recommended.Request.Policy.Rules);
    }

    [Theory]
    [InlineData("MinCount")]
    [InlineData("TailProbability")]
    public void A_refusal_names_the_setting_for_an_embedder(string property)
    {
        var settings = property == "MinCount"
            ? new JobSettings { Inputs = ["x"], From = 0, To = 3600, MinCount = 3 }
            : new JobSettings { Inputs = ["x"], From = 0, To = 3600, TailProbability = 0.5 };
        var e = Assert.Throws<RunException>(() => DetectJob.Resolve(settings));
        Assert.StartsWith(property + " is a rule of the recommended model", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("--" + (property == "MinCount" ? "min-count" : "tail-probability") + " is a rule",
            e.Render(p => "--" + string.Concat(p.Select((c, i) => char.IsUpper(c) && i > 0
                ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()))),
            StringComparison.Ordinal);
    }
}
