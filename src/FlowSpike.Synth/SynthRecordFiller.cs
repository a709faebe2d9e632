namespace FlowSpike.Synth;

/// <summary>Fills one record's fields: a host's blocked outbound attempt, a spike's, or the noise around them
/// (accepted flows, inbound scans, internal traffic, NODATA and SKIPDATA, IPv6).</summary>
internal sealed class SynthRecordFiller
{
    private static readonly int[] AcceptTcpPorts =
        [443, 443, 443, 443, 443, 443, 80, 80, 22, 8443, 9418, 5222, 993, 587];
    private static readonly int[] AcceptUdpPorts = [53, 53, 123, 443, 3478, 500, 4500];
    private static readonly int[] AcceptTcpFlags = [3, 3, 3, 19, 19, 19, 19, 2, 1, 18];
    private static readonly int[] ResponseTcpFlags = [19, 19, 18, 18, 3, 1];
    private static readonly int[] BlockedTcpPorts =
        [443, 443, 443, 80, 80, 22, 25, 3389, 445, 8080, 8443, 9200, 27017, 6379, 5432, 3306, 1433, 23, 21, 6667];
    private static readonly int[] BlockedUdpPorts = [53, 123, 161, 1900, 5353, 500, 69, 11211];
    private static readonly int[] ScannerPorts =
        [22, 22, 23, 3389, 445, 80, 8080, 1433, 3306, 5900, 6379, 2375, 9200, 5432, 21, 25, 8443, 111, 135, 139];
    private static readonly int[] InternalPorts =
        [443, 5432, 6379, 3306, 8080, 9092, 2049, 22, 27017, 9200, 11211, 8500, 2379];

    private readonly SynthWorld _world;
    private readonly double? _rejectShare;

    public SynthRecordFiller(SynthWorld world, double? rejectShare)
    {
        _world = world;
        _rejectShare = rejectShare;
    }

    /// <summary>A host's record in hour <paramref name="hour"/>: a blocked outbound attempt when
    /// <paramref name="blocked"/>, otherwise one of the noise kinds.</summary>
    public void FillHost(
        ref SynthRecord record, bool blocked, SynthHost host, List<SynthHost> hosts, Random rng, int hour,
        long hourStart)
    {
        // AWS delivers about 1% of records an hour late; none before the first generated hour.
        var start = hour > 0 && rng.Next(100) == 0
            ? hourStart - 1 - rng.Next(900)
            : hourStart + rng.Next(3600);
        Begin(ref record, host, rng, start);
        if (blocked)
        {
            FillBlocked(ref record, host, rng);
        }
        else
        {
            FillNoise(ref record, host, hosts, rng);
        }
    }

    /// <summary>Sets the fields every record has, with the defaults of an accepted IPv4 flow.</summary>
    private static void Begin(ref SynthRecord r, SynthHost host, Random rng, long start)
    {
        r.Host = host;
        r.Eni = host.Enis.Length == 1 ? host.Enis[0] : host.Enis[rng.Next(10) < 7 ? 0 : 1];
        r.Start = start;
        r.End = start + rng.Next(60);
        r.Status = SynthLogStatus.Ok;
        r.TcpFlags = 0;
        r.SrcService = SynthWorld.Dash;
        r.DstService = SynthWorld.Dash;
        r.TrafficPath = -1;
    }

    private static void FillBlocked(ref SynthRecord r, SynthHost host, Random rng)
    {
        r.Src = SynthAddr.Ipv4(host.V4);
        r.Dst = SynthAddr.Ipv4(rng.Next(10) < 7
            ? host.BlockedDestinations[rng.Next(host.BlockedDestinations.Length)]
            : SynthWorld.RandomBlockedDestination(rng));
        SetRejectedAttempt(ref r, rng, rng.Next(100) < 85
            ? BlockedTcpPorts[rng.Next(BlockedTcpPorts.Length)]
            : -BlockedUdpPorts[rng.Next(BlockedUdpPorts.Length)]);
        r.Direction = SynthDirection.Egress;
    }

    public static void FillSpike(ref SynthRecord r, SynthSpikePlan spike, Random rng, long hourStart)
    {
        var start = hourStart + spike.OffsetSeconds + rng.Next(spike.LengthSeconds);
        Begin(ref r, spike.Host, rng, start);
        r.Src = SynthAddr.Ipv4(spike.Host.V4);
        r.Dst = SynthAddr.Ipv4(spike.Destinations[rng.Next(spike.Destinations.Length)]);
        var port = spike.Ports[rng.Next(spike.Ports.Length)];
        SetRejectedAttempt(ref r, rng, port == 53 ? -port : port);
        r.Direction = SynthDirection.Egress;
    }

    /// <summary>A rejected connection attempt from an ephemeral port: TCP SYNs for a positive port,
    /// UDP for a negated one.</summary>
    private static void SetRejectedAttempt(ref SynthRecord r, Random rng, int port)
    {
        r.SrcPort = rng.Next(32768, 61000);
        r.Action = SynthAction.Reject;
        r.Packets = 1 + rng.Next(3);
        if (port > 0)
        {
            r.DstPort = port;
            r.Protocol = 6;
            r.TcpFlags = 2;
            r.Bytes = r.Packets * (44 + (8 * rng.Next(3)));
        }
        else
        {
            r.DstPort = -port;
            r.Protocol = 17;
            r.Bytes = r.Packets * (40 + rng.Next(120));
        }
    }

    private void FillNoise(ref SynthRecord r, SynthHost host, List<SynthHost> hosts, Random rng)
    {
        if (_rejectShare is { } share)
        {
            FillNoiseWithRejectShare(ref r, host, hosts, rng, share);
            return;
        }

        FillNoiseKind(ref r, host, hosts, rng, rng.Next(1000));
    }

    /// <summary>Benchmark mix: a REJECT with probability <paramref name="share"/> (55% of them blocked outbound),
    /// otherwise the default mix of the other kinds.</summary>
    private void FillNoiseWithRejectShare(
        ref SynthRecord r, SynthHost host, List<SynthHost> hosts, Random rng, double share)
    {
        if (rng.NextDouble() < share)
        {
            var pick = rng.Next(100);
            if (pick < 55)
            {
                FillBlocked(ref r, host, rng);
            }
            else
            {
                FillNoiseKind(ref r, host, hosts, rng, pick < 85 ? 800 : 870);
            }

            return;
        }

        // The default mix without its REJECT kinds.
        var roll = rng.Next(930);
        FillNoiseKind(ref r, host, hosts, rng, roll < 800 ? roll : roll + 115);
    }

    private void FillNoiseKind(ref SynthRecord r, SynthHost host, List<SynthHost> hosts, Random rng, int roll)
    {
        var kind = roll switch
        {
            < 360 => SynthNoiseKind.AcceptOutbound,
            < 620 => SynthNoiseKind.AcceptInbound,
            < 800 => SynthNoiseKind.AcceptInternal,
            < 870 => SynthNoiseKind.RejectInbound,
            < 915 => SynthNoiseKind.RejectInternal,
            < 935 => SynthNoiseKind.NoData,
            < 940 => SynthNoiseKind.SkipData,
            _ => host.V6 is null ? SynthNoiseKind.AcceptOutbound : SynthNoiseKind.Ipv6,
        };

        switch (kind)
        {
            case SynthNoiseKind.AcceptOutbound:
                {
                    var peer = PickAcceptPeer(rng);
                    r.Src = SynthAddr.Ipv4(host.V4);
                    r.Dst = SynthAddr.Ipv4(peer.Address);
                    r.DstService = peer.Service;
                    SetAcceptedFlow(ref r, rng, outbound: true);
                    r.Direction = SynthDirection.Egress;
                    r.TrafficPath = 8;
                    break;
                }

            case SynthNoiseKind.AcceptInbound:
                {
                    var peer = PickAcceptPeer(rng);
                    r.Src = SynthAddr.Ipv4(peer.Address);
                    r.Dst = SynthAddr.Ipv4(host.V4);
                    r.SrcService = peer.Service;
                    SetAcceptedFlow(ref r, rng, outbound: false);
                    r.Direction = SynthDirection.Ingress;
                    break;
                }

            case SynthNoiseKind.AcceptInternal:
                SetInternalPair(ref r, host, hosts, rng);
                r.SrcPort = rng.Next(32768, 61000);
                r.DstPort = InternalPorts[rng.Next(InternalPorts.Length)];
                r.Protocol = 6;
                r.Action = SynthAction.Accept;
                r.Packets = 1 + rng.Next(1 << rng.Next(12));
                r.Bytes = r.Packets * (52 + rng.Next(1449));
                r.TcpFlags = AcceptTcpFlags[rng.Next(AcceptTcpFlags.Length)];
                break;

            case SynthNoiseKind.RejectInbound:
                r.Src = SynthAddr.Ipv4(SynthWorld.RandomPublic(rng));
                r.Dst = SynthAddr.Ipv4(host.V4);
                SetRejectedAttempt(ref r, rng, rng.Next(10) < 9
                    ? ScannerPorts[rng.Next(ScannerPorts.Length)]
                    : -BlockedUdpPorts[rng.Next(BlockedUdpPorts.Length)]);
                r.SrcPort = rng.Next(1024, 65536);
                r.Direction = SynthDirection.Ingress;
                break;

            case SynthNoiseKind.RejectInternal:
                SetInternalPair(ref r, host, hosts, rng);
                if (r.Direction == SynthDirection.Egress && rng.Next(10) == 0)
                {
                    r.Dst = SynthAddr.Ipv4(SynthWorld.RandomInternalEdge(rng));
                }

                SetRejectedAttempt(ref r, rng, InternalPorts[rng.Next(InternalPorts.Length)]);
                r.TrafficPath = -1;
                break;

            case SynthNoiseKind.NoData:
            case SynthNoiseKind.SkipData:
                r.Src = SynthAddr.None;
                r.Dst = SynthAddr.None;
                r.SrcPort = r.DstPort = r.Protocol = r.TcpFlags = -1;
                r.Packets = r.Bytes = -1;
                r.Action = SynthAction.Dash;
                r.Status = kind == SynthNoiseKind.NoData ? SynthLogStatus.NoData : SynthLogStatus.SkipData;
                r.Direction = SynthDirection.None;
                break;

            default:
                var v6 = host.V6 ?? throw new InvalidOperationException("IPv6 noise for an IPv4-only host.");
                FillIpv6(ref r, v6, rng);
                break;
        }
    }

    private SynthExternal PickAcceptPeer(Random rng) => _world.AcceptPool[rng.Next(_world.AcceptPool.Length)];

    private static void SetAcceptedFlow(ref SynthRecord r, Random rng, bool outbound)
    {
        var roll = rng.Next(100);
        var protocol = roll < 84 ? 6 : roll < 99 ? 17 : 1;
        var service = protocol == 6
            ? AcceptTcpPorts[rng.Next(AcceptTcpPorts.Length)]
            : AcceptUdpPorts[rng.Next(AcceptUdpPorts.Length)];
        var ephemeral = rng.Next(32768, 61000);
        r.Protocol = protocol;
        if (protocol == 1)
        {
            r.SrcPort = r.DstPort = 0;
        }
        else if (outbound)
        {
            r.SrcPort = ephemeral;
            r.DstPort = service;
        }
        else
        {
            // Mostly the return half of an outbound connection.
            r.SrcPort = service;
            r.DstPort = ephemeral;
        }

        r.Action = SynthAction.Accept;
        r.Packets = 1 + rng.Next(1 << rng.Next(13));
        r.Bytes = r.Packets * (40 + rng.Next(1421));
        r.TcpFlags = protocol != 6 ? 0
            : outbound ? AcceptTcpFlags[rng.Next(AcceptTcpFlags.Length)]
            : ResponseTcpFlags[rng.Next(ResponseTcpFlags.Length)];
    }

    /// <summary>Host talking to another internal address (another host of the account or something in
    /// its /16), in either direction.</summary>
    private static void SetInternalPair(ref SynthRecord r, SynthHost host, List<SynthHost> hosts, Random rng)
    {
        var peer = hosts.Count > 1 && rng.Next(10) < 7
            ? hosts[rng.Next(hosts.Count)].V4
            : host.NetworkBase | (uint)(rng.Next(256) << 8) | (uint)(4 + rng.Next(251));
        if (rng.Next(2) == 0)
        {
            r.Src = SynthAddr.Ipv4(host.V4);
            r.Dst = SynthAddr.Ipv4(peer);
            r.Direction = SynthDirection.Egress;
            r.TrafficPath = 1;
        }
        else
        {
            r.Src = SynthAddr.Ipv4(peer);
            r.Dst = SynthAddr.Ipv4(host.V4);
            r.Direction = SynthDirection.Ingress;
        }
    }

    /// <summary>IPv6 traffic, accepted or rejected, in either direction; never counts because the
    /// source is not an IPv4 address.</summary>
    private void FillIpv6(ref SynthRecord r, byte[] hostV6, Random rng)
    {
        var self = SynthAddr.Ipv6(hostV6);
        var external = SynthAddr.Ipv6(_world.V6Pool[rng.Next(_world.V6Pool.Length)]);
        var egress = rng.Next(2) == 0;
        r.Src = egress ? self : external;
        r.Dst = egress ? external : self;
        r.Direction = egress ? SynthDirection.Egress : SynthDirection.Ingress;
        if (rng.Next(10) < 7)
        {
            SetAcceptedFlow(ref r, rng, egress);
            if (r.Protocol == 1)
            {
                r.Protocol = 58;
            }

            r.TrafficPath = egress ? 8 : -1;
        }
        else
        {
            SetRejectedAttempt(ref r, rng, egress
                ? BlockedTcpPorts[rng.Next(BlockedTcpPorts.Length)]
                : ScannerPorts[rng.Next(ScannerPorts.Length)]);
            if (!egress)
            {
                r.SrcPort = rng.Next(1024, 65536);
            }
        }
    }
}
