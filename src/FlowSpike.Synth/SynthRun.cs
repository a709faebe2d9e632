using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace FlowSpike.Synth;

/// <summary>One generator run: plans the spikes, then writes hour after hour, account by account.</summary>
internal sealed class SynthRun
{
    private const string FlowLogId = "fl-0a1b2c3d4e5f6a7b8";
    private const string Region = "us-east-1";

    // Schedule entries are (index << 2) | kind.
    private const int KindBlocked = 0;
    private const int KindNoise = 1;
    private const int KindSpike = 2;

    private static readonly int[] AcceptTcpPorts = [443, 443, 443, 443, 443, 443, 80, 80, 22, 8443, 9418, 5222, 993, 587];
    private static readonly int[] AcceptUdpPorts = [53, 53, 123, 443, 3478, 500, 4500];
    private static readonly int[] AcceptTcpFlags = [3, 3, 3, 19, 19, 19, 19, 2, 1, 18];
    private static readonly int[] ResponseTcpFlags = [19, 19, 18, 18, 3, 1];
    private static readonly int[] BlockedTcpPorts = [443, 443, 443, 80, 80, 22, 25, 3389, 445, 8080, 8443, 9200, 27017, 6379, 5432, 3306, 1433, 23, 21, 6667];
    private static readonly int[] BlockedUdpPorts = [53, 123, 161, 1900, 5353, 500, 69, 11211];
    private static readonly int[] ScannerPorts = [22, 22, 23, 3389, 445, 80, 8080, 1433, 3306, 5900, 6379, 2375, 9200, 5432, 21, 25, 8443, 111, 135, 139];
    private static readonly int[] InternalPorts = [443, 5432, 6379, 3306, 8080, 9092, 2049, 22, 27017, 9200, 11211, 8500, 2379];
    private static readonly int[] C2Ports = [443, 8443, 4444, 8080, 53, 1337, 6667, 9001, 2222, 80];

    private readonly SynthOptions _options;
    private readonly SynthWorld _world;
    private readonly string _outDir;
    private readonly FlowLineWriter _writer;
    private readonly long _startEpoch;
    private readonly int _startHourOfDay;
    private readonly Dictionary<int, List<SynthSpikePlan>> _spikesByHour = [];
    private readonly List<SynthSpikePlan> _hourSpikes = [];
    private int[] _schedule = new int[4096];
    private int _count;
    private int _files;
    private readonly HashSet<string> _directories = [];

    public SynthRun(SynthOptions options, SynthWorld world, string outDir)
    {
        _options = options;
        _world = world;
        _outDir = outDir;
        _writer = new FlowLineWriter(world.Fields, world.Version);
        _startEpoch = options.Start.ToUnixTimeSeconds();
        _startHourOfDay = options.Start.UtcDateTime.Hour;
    }

    public SynthResult Execute()
    {
        var target = _options.TargetBytes;
        var plannedHours = target is { } bytes ? EstimateHours(bytes) : _options.Days * 24;
        var spikes = PlanSpikes(plannedHours);
        var lastSpikeHour = spikes.Count == 0 ? -1 : spikes.Max(s => s.Hour);

        for (var hour = 0; ; hour++)
        {
            // Whole hours only, so every detection window is complete; a sized run still
            // covers all planned spikes.
            var done = target is { } limit
                ? _writer.BytesWritten >= limit && hour > lastSpikeHour
                : hour >= plannedHours;
            if (done)
            {
                break;
            }

            GenerateHour(_writer, hour, dryRun: false);
        }

        var labels = spikes
            .OrderBy(s => s.Hour)
            .ThenBy(s => s.Host.V4Text, StringComparer.Ordinal)
            .Select(s =>
            {
                var windowStart = _options.Start.AddHours(s.Hour);
                return new SynthSpike(s.Host.V4Text, windowStart, windowStart.AddHours(1), s.Extra);
            })
            .ToList();
        var labelsPath = WriteLabels(labels);
        return new SynthResult(_files, _writer.RecordsWritten, _writer.BytesWritten, labelsPath, labels);
    }

    /// <summary>Hours needed for about <paramref name="target"/> bytes: the line length is measured on a
    /// dry run of hour 0 (nothing written), the hourly volume follows from the hosts' rates.</summary>
    private int EstimateHours(long target)
    {
        var probe = new FlowLineWriter(_world.Fields, _world.Version);
        var probeFiles = _files;
        GenerateHour(probe, 0, dryRun: true);
        var headerBytes = (_files - probeFiles) * (long)_world.Header.Length;
        _files = probeFiles;
        var perRecord = probe.RecordsWritten == 0 ? 120.0 : (probe.BytesWritten - headerBytes) / (double)probe.RecordsWritten;
        var filesPerHour = _options.FilesPerHour * _world.ByAccount.Count(a => a.Count > 0);

        var perHourOfDay = new double[24];
        for (var h = 0; h < 24; h++)
        {
            var records = _world.Hosts.Sum(x => x.BlockedLambda[h] + x.NoiseLambda[h]);
            perHourOfDay[h] = Math.Max(1.0, (perRecord * records) + (filesPerHour * _world.Header.Length));
        }

        var total = 0.0;
        var hours = 0;
        // Capped far below DateTimeOffset's range; the hour loop itself still stops on bytes written.
        while (total < target && hours < 10_000_000)
        {
            total += perHourOfDay[(_startHourOfDay + hours) % 24];
            hours++;
        }

        return Math.Max(hours, 1);
    }

    private List<SynthSpikePlan> PlanSpikes(int plannedHours)
    {
        var plans = new List<SynthSpikePlan>();
        if (_options.Spikes == 0)
        {
            return plans;
        }

        var rng = new Random(SynthMath.MixSeed(_options.Seed, 3, 0));
        var first = _options.SpikeFromDay * 24;

        // A sized run that would end before the detect period is extended by a day to hold the spikes.
        var end = Math.Max(plannedHours, first + 24);
        var hosts = _world.Hosts;
        var order = Enumerable.Range(0, hosts.Count).ToArray();
        rng.Shuffle(order);

        var used = new HashSet<(int, int)>();
        for (var i = 0; i < _options.Spikes; i++)
        {
            // Distinct hosts first: a second spike on the same host would face a baseline the first one inflated.
            var hostIndex = order[i % order.Length];
            var hour = rng.Next(first, end);
            for (var attempt = 0; !used.Add((hostIndex, hour)); attempt++)
            {
                hour = attempt < 100 ? rng.Next(first, end) : first + ((hour - first + 1) % (end - first));
            }

            var destinations = new uint[1 + rng.Next(5)];
            for (var d = 0; d < destinations.Length; d++)
            {
                destinations[d] = SynthWorld.RandomC2(rng);
            }

            var ports = new int[1 + rng.Next(2)];
            for (var p = 0; p < ports.Length; p++)
            {
                ports[p] = C2Ports[rng.Next(C2Ports.Length)];
            }

            var length = rng.Next(5, 31) * 60;
            var plan = new SynthSpikePlan
            {
                Host = hosts[hostIndex],
                Hour = hour,
                Extra = rng.Next(40, 201),
                Destinations = destinations,
                Ports = ports,
                OffsetSeconds = rng.Next(0, 3600 - length + 1),
                LengthSeconds = length,
            };
            plans.Add(plan);
            if (!_spikesByHour.TryGetValue(hour, out var list))
            {
                list = [];
                _spikesByHour.Add(hour, list);
            }

            list.Add(plan);
        }

        return plans;
    }

    private void GenerateHour(FlowLineWriter writer, int hour, bool dryRun)
    {
        var hourStart = _startEpoch + (hour * 3600L);
        var hourOfDay = (_startHourOfDay + hour) % 24;
        _spikesByHour.TryGetValue(hour, out var spikesThisHour);

        for (var account = 0; account < _world.ByAccount.Length; account++)
        {
            var hosts = _world.ByAccount[account];
            if (hosts.Count == 0)
            {
                continue;
            }

            // One stream per (hour, account) keeps each file reproducible regardless of what came before.
            var rng = new Random(SynthMath.MixSeed(_options.Seed, 100 + (long)hour, account));
            _count = 0;
            for (var i = 0; i < hosts.Count; i++)
            {
                var host = hosts[i];
                Add(i, KindBlocked, SynthMath.Poisson(rng, host.BlockedLambda[hourOfDay]));
                Add(i, KindNoise, SynthMath.Poisson(rng, host.NoiseLambda[hourOfDay]));
            }

            _hourSpikes.Clear();
            if (!dryRun && spikesThisHour is not null)
            {
                foreach (var spike in spikesThisHour)
                {
                    if (spike.Host.Account == account)
                    {
                        Add(_hourSpikes.Count, KindSpike, spike.Extra);
                        _hourSpikes.Add(spike);
                    }
                }
            }

            // Interleave hosts and kinds the way a real file mixes interfaces.
            rng.Shuffle(_schedule.AsSpan(0, _count));

            var files = _options.FilesPerHour;
            var next = 0;
            for (var k = 0; k < files; k++)
            {
                var size = (_count / files) + (k < _count % files ? 1 : 0);
                var suffix = (uint)rng.NextInt64(1L << 32);
                if (size == 0)
                {
                    // AWS delivers no empty files.
                    continue;
                }

                var stamp = _options.Start.AddHours(hour).AddMinutes(k * 60 / files);
                WriteFile(writer, account, stamp, suffix, dryRun, rng, hosts, hour, hourStart, next, size);
                next += size;
            }
        }
    }

    private void Add(int index, int kind, int count)
    {
        if (_count + count > _schedule.Length)
        {
            Array.Resize(ref _schedule, Math.Max(_schedule.Length * 2, _count + count));
        }

        var entry = (index << 2) | kind;
        _schedule.AsSpan(_count, count).Fill(entry);
        _count += count;
    }

    private void WriteFile(
        FlowLineWriter writer, int account, DateTimeOffset stamp, uint suffix, bool dryRun,
        Random rng, List<SynthHost> hosts, int hour, long hourStart, int first, int size)
    {
        _files++;
        if (dryRun)
        {
            WriteRecords(writer, Stream.Null, rng, hosts, hour, hourStart, first, size);
            return;
        }

        var accountId = SynthWorld.AccountIds[account];
        var directory = Path.Combine(
            _outDir, "AWSLogs", accountId, "vpcflowlogs", Region,
            stamp.ToString("yyyy", CultureInfo.InvariantCulture),
            stamp.ToString("MM", CultureInfo.InvariantCulture),
            stamp.ToString("dd", CultureInfo.InvariantCulture));
        if (_directories.Add(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"{accountId}_vpcflowlogs_{Region}_{FlowLogId}_{stamp:yyyyMMdd'T'HHmm'Z'}_{suffix:x8}.log{(_options.Gzip ? ".gz" : "")}");

        // Our own 256 KB chunks go through one BufferedStream; the FileStream itself stays unbuffered.
        using var file = new FileStream(Path.Combine(directory, name), FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        using var buffered = new BufferedStream(file, 1 << 16);
        if (_options.Gzip)
        {
            using var gzip = new GZipStream(buffered, CompressionLevel.Fastest, leaveOpen: true);
            WriteRecords(writer, gzip, rng, hosts, hour, hourStart, first, size);
        }
        else
        {
            WriteRecords(writer, buffered, rng, hosts, hour, hourStart, first, size);
        }
    }

    private void WriteRecords(
        FlowLineWriter writer, Stream target, Random rng, List<SynthHost> hosts, int hour, long hourStart, int first, int size)
    {
        writer.Open(target, _world.Header);
        var record = default(SynthRecord);
        for (var i = first; i < first + size; i++)
        {
            var entry = _schedule[i];
            var index = entry >> 2;
            if ((entry & 3) == KindSpike)
            {
                FillSpike(ref record, _hourSpikes[index], rng, hourStart);
            }
            else
            {
                var host = hosts[index];

                // AWS delivers about 1% of records an hour late; none before the first generated hour.
                var start = hour > 0 && rng.Next(100) == 0
                    ? hourStart - 1 - rng.Next(900)
                    : hourStart + rng.Next(3600);
                Begin(ref record, host, rng, start);
                if ((entry & 3) == KindBlocked)
                {
                    FillBlocked(ref record, host, rng);
                }
                else
                {
                    FillNoise(ref record, host, hosts, rng);
                }
            }

            writer.Write(ref record);
        }

        writer.Close();
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

    private static void FillSpike(ref SynthRecord r, SynthSpikePlan spike, Random rng, long hourStart)
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
        if (_options.RejectShare is { } share)
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
                SetRejectedAttempt(ref r, rng, rng.Next(10) < 9 ? ScannerPorts[rng.Next(ScannerPorts.Length)] : -BlockedUdpPorts[rng.Next(BlockedUdpPorts.Length)]);
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
                FillIpv6(ref r, host.V6 ?? throw new InvalidOperationException("IPv6 noise for an IPv4-only host."), rng);
                break;
        }
    }

    private SynthExternal PickAcceptPeer(Random rng) => _world.AcceptPool[rng.Next(_world.AcceptPool.Length)];

    private static void SetAcceptedFlow(ref SynthRecord r, Random rng, bool outbound)
    {
        var roll = rng.Next(100);
        var protocol = roll < 84 ? 6 : roll < 99 ? 17 : 1;
        var service = protocol == 6 ? AcceptTcpPorts[rng.Next(AcceptTcpPorts.Length)] : AcceptUdpPorts[rng.Next(AcceptUdpPorts.Length)];
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

    private string WriteLabels(List<SynthSpike> labels)
    {
        Directory.CreateDirectory(_outDir);
        var path = Path.GetFullPath(Path.Combine(_outDir, "labels.csv"));
        var text = new StringBuilder("src_ip,window_start,window_end,extra_blocked\n");
        foreach (var label in labels)
        {
            text.Append(CultureInfo.InvariantCulture, $"{label.SrcIp},{label.WindowStart.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'},{label.WindowEnd.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'},{label.ExtraBlocked}\n");
        }

        File.WriteAllText(path, text.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }
}
