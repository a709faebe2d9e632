using FlowSpike.Selection;

namespace FlowSpike.Aggregation;

/// <summary>
/// The detail sets of a finished scan, still numeric: for each (window, source) entry, its destinations (IPv4 as the
/// address, IPv6 as 2^32 + an id), interface ids and account ids, in compressed rows. Names are built per entry on
/// demand. Immutable once built, so any thread may read it.
/// </summary>
internal sealed class ScanDetails(
    int[] destinationStart, ulong[] destinations, int[] interfaceStart, int[] interfaces, int[] accountStart,
    int[] accounts,
    ByteStringTable ipv6Names, ByteStringTable interfaceNames, ByteStringTable accountNames)
{
    public int DestinationCount(int entry) => destinationStart[entry + 1] - destinationStart[entry];

    /// <summary>An entry's account ids, numbers in <see cref="AccountName"/>'s table.</summary>
    public ReadOnlySpan<int> AccountIds(int entry) =>
        accounts.AsSpan(accountStart[entry], accountStart[entry + 1] - accountStart[entry]);

    public string AccountName(int id) => accountNames.GetString(id);

    /// <summary>One detail set of an entry (1 destinations, 2 interfaces, 4 accounts) as a set of names.</summary>
    public HashSet<string> Names(int entry, int which)
    {
        var (from, to) = Row(entry, which);
        var set = new HashSet<string>(to - from, StringComparer.Ordinal);
        for (int k = from; k < to; k++)
            set.Add(Name(which, k));
        return set;
    }

    /// <summary>The same names as an array, for writers that only list them (no set built).</summary>
    public string[] NameArray(int entry, int which)
    {
        var (from, to) = Row(entry, which);
        var names = new string[to - from];
        for (int k = from; k < to; k++)
            names[k - from] = Name(which, k);
        return names;
    }

    private (int From, int To) Row(int entry, int which) => which switch
    {
        1 => (destinationStart[entry], destinationStart[entry + 1]),
        2 => (interfaceStart[entry], interfaceStart[entry + 1]),
        _ => (accountStart[entry], accountStart[entry + 1]),
    };

    private string Name(int which, int k)
    {
        switch (which)
        {
            case 1:
                ulong d = destinations[k];
                return d >> 32 == 0 ? Ipv4.Format((uint)d) : ipv6Names.GetString((int)(uint)d);
            case 2:
                return interfaceNames.GetString(interfaces[k]);
            default:
                return accountNames.GetString(accounts[k]);
        }
    }
}
