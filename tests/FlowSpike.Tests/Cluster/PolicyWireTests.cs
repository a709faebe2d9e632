using System.Reflection;
using FlowSpike.Alerts;
using FlowSpike.Cluster.Wire;
using FlowSpike.Models;
using FlowSpike.Runs;
using FlowSpike.Selection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace FlowSpike.Tests.Cluster;

/// <summary>
/// The policy crosses the Orleans wire as it is: every public property of every rule type, whatever its name, reaches
/// the shard. A property added later is mutated and checked here without editing this test.
/// </summary>
public sealed class PolicyWireTests
{
    private static readonly ServiceProvider Services = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(DetectMessage).Assembly))
        .BuildServiceProvider();

    /// <summary>A copy of <paramref name="value"/> with every settable public property moved off its default.</summary>
    private static T Mutated<T>(T value) where T : class
    {
        var copy = (T)typeof(T).GetMethod("<Clone>$")!.Invoke(value, null)!;
        foreach (var p in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.SetMethod is null)
                continue;
            object? now = p.GetValue(copy);
            object changed = now switch
            {
                bool b => !b,
                long l => l + 7,
                int i => i + 7,
                double d => d * 0.5 + 0.25,
                _ => throw new InvalidOperationException($"{typeof(T).Name}.{p.Name}: add a mutation for " +
                    $"{p.PropertyType}"),
            };
            p.SetValue(copy, changed);
        }
        return copy;
    }

    private static AlertPolicy FullPolicy() => new()
    {
        Model = RecommendedModel.ModelName,
        Settings = Mutated(new SpikeSettings()),
        Rules = Mutated(new RecommendedSettings()),
        Filter = new AlertFilter(CidrSet.Parse(["10.1.0.0/16", "fd00::/8"]), CidrSet.Parse(["203.0.113.0/24"])),
        Suppression = new Suppression(14400, SuppressionKey.SrcIpAndResources),
        Rollout = new RolloutAwareness(0.4, 5, Group: true),
        KeepHistory = false,
        HistoryRetentionSeconds = 3600,
    };

    [Fact]
    public void Every_rule_differs_from_its_default_in_the_test_policy()
    {
        var policy = FullPolicy();
        Assert.NotEqual(new RecommendedSettings(), policy.Rules);
        foreach (var p in typeof(RecommendedSettings).GetProperties().Where(p => p.SetMethod is not null))
            Assert.NotEqual(p.GetValue(new RecommendedSettings()), p.GetValue(policy.Rules));
        foreach (var p in typeof(SpikeSettings).GetProperties().Where(p => p.SetMethod is not null))
            Assert.NotEqual(p.GetValue(new SpikeSettings()), p.GetValue(policy.Settings));
    }

    [Fact]
    public void A_detect_job_carries_every_rule_to_the_shards()
    {
        var policy = FullPolicy();
        var job = new DetectMessage { RunId = "r", WindowSeconds = 3600, TaskIds = ["t"], Policy = policy };
        var serializer = Services.GetRequiredService<Serializer>();
        var back = serializer.Deserialize<DetectMessage>(serializer.SerializeToArray(job))!;
        Assert.Equal(policy.Rules, back.Policy.Rules);
        Assert.Equal(policy.Settings, back.Policy.Settings);
        Assert.Equal("10.1.0.0/16,fd00::/8", back.Policy.Filter.AllowSources.ToString());
        Assert.Equal("203.0.113.0/24", back.Policy.Filter.AllowDestinations.ToString());
        Assert.Equal(policy, back.Policy);
    }

    [Fact]
    public void A_copied_job_keeps_the_policy()
    {
        var policy = FullPolicy();
        var job = new BaselineMessage
        {
            RunId = "b",
            From = 0,
            To = 3600,
            SpanSeconds = 3600,
            TaskIds = [],
            Policy = policy,
        };
        var copy = Services.GetRequiredService<DeepCopier>().Copy(job);
        Assert.Equal(policy, copy.Policy);
    }
}
