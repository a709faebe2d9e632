using FlowSpike.Selection;

namespace FlowSpike.Reports;

/// <summary>
/// Finds the host a user names: an address on a state keyed by address, an entity name on a state keyed by entity,
/// or an address on such a state when exactly one entity has it. Errors name the value and what would work.
/// </summary>
internal static class HostQuery
{
    public static (uint Key, string Name) Resolve(EntityRegistry entities, string given, string setting)
    {
        if (entities.TryGetKey(given, out uint key))
            return (key, given);
        if (entities.IsIpv4Keyed)
        {
            throw new RunException(given.Contains(':', StringComparison.Ordinal)
                ? $"{Setting.Name(setting)}: '{given}' is not a host this state has seen"
                : $"{Setting.Name(setting)}: '{given}' is not an IPv4 address");
        }
        string keying = EntityRegistry.NameOf(entities.Kind);
        var named = entities.NamesWithAddress(given);
        if (named.Count == 1 && entities.TryGetKey(named[0], out key))
            return (key, named[0]);
        if (named.Count > 1)
        {
            string list = string.Join(", ", named.Take(10)) + (named.Count > 10 ? $", ... ({named.Count} in all)" : "");
            throw new RunException($"{Setting.Name(setting)}: this state is keyed by {keying}, and {named.Count} " +
                $"hosts have the address '{given}': {list}; give one of these names");
        }
        bool address = Ipv4.TryParse(given, out _) || given.Contains(':', StringComparison.Ordinal);
        throw new RunException(address
            ? $"{Setting.Name(setting)}: this state is keyed by {keying}, and no host of it has the address '{given}'"
            : $"{Setting.Name(setting)}: '{given}' is not a host this state has seen (it is keyed by {keying})");
    }
}
