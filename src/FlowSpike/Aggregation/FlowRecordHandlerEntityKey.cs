using System.Runtime.CompilerServices;
using FlowSpike.Selection;

namespace FlowSpike.Aggregation;

/// <summary>The entity key of a counted record when baselines are kept for more than the IPv4 source (--entity).
/// </summary>
internal partial struct FlowRecordHandler
{
    /// <summary>
    /// The key of a record's entity beyond the ESCU search's IPv4 source: an IPv6 source, an account/VPC/address
    /// triple, or an interface. Looked up by local bytes first, so only a thread's first sight of an entity builds
    /// its name.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly bool TryEntityKey(
        ReadOnlySpan<byte> srcText, UInt128 src6, ReadOnlySpan<byte> interfaceId, ReadOnlySpan<byte> account,
        ReadOnlySpan<byte> vpc, out uint key)
    {
        var kind = accumulator.Entities!.Kind;
        if (kind == EntityKind.Interface)
        {
            if (interfaceId.IsEmpty || (interfaceId.Length == 1 && interfaceId[0] == (byte)'-'))
            {
                key = 0;
                return false;
            }
            if (!accumulator.TryEntityKey(interfaceId, out key))
                key = accumulator.AddEntity(interfaceId, System.Text.Encoding.ASCII.GetString(interfaceId));
            return true;
        }
        // The local bytes: [account] '/' [vpc] '/' address; an IPv6 address as its 16 raw bytes after a marker.
        Span<byte> local = stackalloc byte[256];
        int n = 0;
        if (kind == EntityKind.AccountVpcSrcIp)
        {
            n = Append(local, n, account.IsEmpty ? "-"u8 : account);
            local[n++] = (byte)'/';
            n = Append(local, n, vpc.IsEmpty ? "-"u8 : vpc);
            local[n++] = (byte)'/';
        }
        if (src6 != 0)
        {
            local[n++] = 0;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(local[n..], src6);
            n += 16;
        }
        else
        {
            n = Append(local, n, srcText);
        }
        if (accumulator.TryEntityKey(local[..n], out key))
            return true;
        string address = src6 != 0 ? Ipv6Cidr.Format(src6) : System.Text.Encoding.ASCII.GetString(srcText);
        string name = kind == EntityKind.AccountVpcSrcIp
            ? $"{Part(account)}/{Part(vpc)}/{address}"
            : address;
        key = accumulator.AddEntity(local[..n], name);
        return true;
    }

    private static int Append(Span<byte> to, int at, ReadOnlySpan<byte> value)
    {
        // Account and VPC ids are short; a longer value is cut rather than overflowing (it still keys consistently).
        var part = value[..Math.Min(value.Length, 100)];
        part.CopyTo(to[at..]);
        return at + part.Length;
    }

    /// <summary>One part of an account+vpc key: the field's text, or "-" when the log has no such field.</summary>
    private static string Part(ReadOnlySpan<byte> field) =>
        field.IsEmpty ? "-" : System.Text.Encoding.ASCII.GetString(field);
}
