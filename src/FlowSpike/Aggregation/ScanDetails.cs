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

    public HashSet<string> Names(int entry, int which)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        switch (which)
        {
            case 1:
                for (int k = destinationStart[entry]; k < destinationStart[entry + 1]; k++)
                {
                    ulong d = destinations[k];
                    set.Add(d >> 32 == 0 ? Ipv4.Format((uint)d) : ipv6Names.GetString((int)(uint)d));
                }
                break;
            case 2:
                for (int k = interfaceStart[entry]; k < interfaceStart[entry + 1]; k++)
                    set.Add(interfaceNames.GetString(interfaces[k]));
                break;
            default:
                for (int k = accountStart[entry]; k < accountStart[entry + 1]; k++)
                    set.Add(accountNames.GetString(accounts[k]));
                break;
        }
        return set;
    }
}
