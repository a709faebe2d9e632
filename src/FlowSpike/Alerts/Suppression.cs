namespace FlowSpike.Alerts;

/// <summary>
/// Throttling as an alerting rule does it: after an alert, the same key stays quiet for <see cref="WindowSeconds"/>
/// (the original rule used src_ip and 14400 s). Off by default, as the seed search itself suppresses nothing. The
/// marks live in the state, so a restart does not re-alert.
/// </summary>
public sealed record Suppression(long WindowSeconds, SuppressionKey Key = SuppressionKey.SrcIp)
{
    public static Suppression None { get; } = new(0);

    public bool Enabled => WindowSeconds > 0;

    public string KeyOf(Alert alert) => Key switch
    {
        SuppressionKey.SrcIpAndResources => $"{alert.Host}|{string.Join(',', alert.ResourceIds)}",
        _ => alert.Host,
    };
}
