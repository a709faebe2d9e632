using System.Text.Json;
using FlowSpike.Runs;

namespace FlowSpike.Cluster.Wire;

/// <summary>
/// The policy on the wire, through one surrogate: <see cref="AlertPolicy"/> and everything in it (thresholds, the
/// recommended model's rules, allowlists, suppression, rollout) travel as their JSON, every public property included,
/// so a new rule reaches the shards without being copied field by field.
/// </summary>
[GenerateSerializer, Immutable]
internal readonly struct AlertPolicySurrogate
{
    [Id(0)] public required string Json { get; init; }
}

[RegisterConverter]
internal sealed class AlertPolicyConverter : IConverter<AlertPolicy, AlertPolicySurrogate>
{
    public AlertPolicy ConvertFromSurrogate(in AlertPolicySurrogate surrogate) =>
        JsonSerializer.Deserialize<AlertPolicy>(surrogate.Json)
        ?? throw new InvalidOperationException("an empty policy on the wire");

    public AlertPolicySurrogate ConvertToSurrogate(in AlertPolicy value) =>
        new() { Json = JsonSerializer.Serialize(value) };
}
