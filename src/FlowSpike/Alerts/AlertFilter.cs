using FlowSpike.Selection;

namespace FlowSpike.Alerts;

/// <summary>
/// The seed's filter macro as configuration: an alert is suppressed when its source is allow-listed, or when every
/// destination it was blocked to is allow-listed. Suppression never changes the baseline.
/// </summary>
public sealed class AlertFilter(CidrSet allowSources, CidrSet allowDestinations)
{
    public static AlertFilter None { get; } = new(CidrSet.Empty, CidrSet.Empty);

    public CidrSet AllowSources => allowSources;

    public CidrSet AllowDestinations => allowDestinations;

    public bool Suppresses(Alert alert)
    {
        if (!allowSources.IsEmpty && Ipv4.TryParse(alert.SrcIp, out uint src) && allowSources.Contains(src))
            return true;
        if (allowDestinations.IsEmpty || alert.BlockedDestIps.Count == 0)
            return false;
        foreach (string dst in alert.BlockedDestIps)
        {
            if (!Ipv4.TryParse(dst, out uint ip) || !allowDestinations.Contains(ip))
                return false;
        }
        return true;
    }
}
