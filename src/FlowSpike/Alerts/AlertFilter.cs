using FlowSpike.Selection;
namespace FlowSpike.Alerts;

/// <summary>
/// The ESCU search's filter macro as configuration: an alert is suppressed when its source is allow-listed, or when
/// every
/// destination it was blocked to is allow-listed. Suppression never changes the baseline.
/// </summary>
internal sealed record AlertFilter
{
    public AlertFilter(CidrSet allowSources, CidrSet allowDestinations)
    {
        AllowSources = allowSources;
        AllowDestinations = allowDestinations;
    }

    public CidrSet AllowSources { get; init; }

    public CidrSet AllowDestinations { get; init; }

    public static AlertFilter None { get; } = new(CidrSet.Empty, CidrSet.Empty);

    public bool Suppresses(Alert alert)
    {
        if (!AllowSources.IsEmpty && Ipv4.TryParse(alert.SrcIp, out uint src) && AllowSources.Contains(src))
            return true;
        if (AllowDestinations.IsEmpty || alert.BlockedDestIps.Count == 0)
            return false;
        foreach (string dst in alert.BlockedDestIps)
        {
            if (!Ipv4.TryParse(dst, out uint ip) || !AllowDestinations.Contains(ip))
                return false;
        }
        return true;
    }
}
