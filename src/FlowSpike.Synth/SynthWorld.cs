using System.Net;
using System.Text;

namespace FlowSpike.Synth;

/// <summary>The fixed population of a run: accounts, hosts, external peers and the column layout,
/// all derived from the ESCU search.</summary>
internal sealed class SynthWorld
{
    public static readonly string[] AccountIds = ["123456789012", "210987654321"];

    public static readonly byte[] Dash = "-"u8.ToArray();

    // First octets of well-populated public IPv4 space, so random "internet" peers look plausible.
    private static readonly byte[] PublicFirstOctets =
    [
        3, 5, 13, 18, 20, 23, 31, 34, 35, 37, 40, 45, 46, 51, 52, 54, 62, 64, 66, 69, 77, 78, 80, 81, 82, 85,
        87, 89, 91, 93, 94, 103, 104, 107, 108, 109, 116, 119, 122, 128, 137, 138, 139, 141, 142, 144, 146,
        147, 149, 151, 152, 157, 158, 159, 162, 164, 167, 170, 176, 178, 185, 188, 193, 194, 195, 199, 205,
        206, 209, 212, 213, 216, 217,
    ];

    // Hosting ranges often seen behind command-and-control infrastructure.
    private static readonly byte[] C2FirstOctets = [5, 45, 77, 91, 141, 185, 193, 194];

    // Public addresses right next to RFC1918 blocks: they are external and must count when blocked.
    private static readonly uint[] NearInternalExternal =
    [
        SynthAddr.Make(172, 15, 255, 250), SynthAddr.Make(172, 32, 0, 7), SynthAddr.Make(192, 169, 0, 3),
        SynthAddr.Make(11, 0, 0, 9), SynthAddr.Make(9, 255, 255, 250), SynthAddr.Make(192, 167, 255, 1),
    ];

    // Edges of the RFC1918 blocks: internal, so blocked traffic to them must not count.
    private static readonly uint[] InternalEdges =
    [
        SynthAddr.Make(10, 0, 0, 1), SynthAddr.Make(10, 255, 255, 254), SynthAddr.Make(172, 16, 0, 5),
        SynthAddr.Make(172, 31, 255, 250), SynthAddr.Make(192, 168, 0, 1), SynthAddr.Make(192, 168, 255, 254),
    ];

    private static readonly (byte A, byte B, string Service)[] AwsRanges =
    [
        (52, 216, "S3"), (3, 5, "S3"), (52, 94, "DYNAMODB"), (54, 239, "AMAZON"), (3, 218, "EC2"),
        (18, 208, "EC2"), (13, 32, "CLOUDFRONT"), (99, 84, "CLOUDFRONT"), (52, 46, "AMAZON"),
    ];

    private static readonly string[] ExternalV6Prefixes =
    [
        "2606:4700", "2a00:1450", "2001:4860", "2600:1f18", "2620:1ec", "2a03:2880", "2600:9000",
    ];

    private readonly Random _rng;
    private readonly HashSet<uint> _usedHostAddresses = [];
    private readonly Dictionary<long, (byte[] Vpc, string V6Prefix)> _vpcs = [];
    private readonly Dictionary<long, (byte[] Subnet, byte[] Az)> _subnets = [];

    private SynthWorld(SynthOptions options)
    {
        _rng = new Random(SynthMath.MixSeed(options.Seed, 1, 0));
        AccountIdBytes = [.. AccountIds.Select(a => Encoding.ASCII.GetBytes(a))];
        ByAccount = [.. AccountIds.Select(_ => new List<SynthHost>())];
        Fields = options.Layout == SynthLayout.ShuffledV5Header
            ? SynthFieldNames.ShuffledV5Order(new Random(SynthMath.MixSeed(options.Seed, 2, 0)))
            : SynthFieldNames.DefaultOrder();
        Version = options.Layout == SynthLayout.ShuffledV5Header ? 5 : 2;
        Header = options.Layout == SynthLayout.DefaultNoHeader
            ? []
            : Encoding.ASCII.GetBytes(string.Join(' ', Fields.Select(f => SynthFieldNames.Names[(int)f])) + "\n");
        AcceptPool = BuildAcceptPool();
        V6Pool = BuildV6Pool();
        BuildHosts(options);
    }

    public byte[][] AccountIdBytes { get; }

    public List<SynthHost> Hosts { get; } = [];

    public List<SynthHost>[] ByAccount { get; }

    /// <summary>External peers of accepted traffic (web, SaaS, AWS service endpoints).</summary>
    public SynthExternal[] AcceptPool { get; }

    public byte[][] V6Pool { get; }

    public SynthField[] Fields { get; }

    public int Version { get; }

    /// <summary>Header line including "\n", empty for the header-less layout.</summary>
    public byte[] Header { get; }

    public static SynthWorld Build(SynthOptions options) => new(options);

    public static uint RandomPublic(Random rng)
    {
        var bits = (uint)rng.Next();
        var first = PublicFirstOctets[(int)(bits % (uint)PublicFirstOctets.Length)];
        bits /= (uint)PublicFirstOctets.Length;
        return SynthAddr.Make(first, (int)(bits & 0xFF), (int)((bits >> 8) & 0xFF), 1 + (int)((bits >> 16) % 254));
    }

    /// <summary>A random destination of blocked traffic; rarely one just outside RFC1918 to test CIDR edges.</summary>
    public static uint RandomBlockedDestination(Random rng) =>
        rng.Next(50) == 0 ? NearInternalExternal[rng.Next(NearInternalExternal.Length)] : RandomPublic(rng);

    public static uint RandomInternalEdge(Random rng) => InternalEdges[rng.Next(InternalEdges.Length)];

    public static uint RandomC2(Random rng) =>
        SynthAddr.Make(C2FirstOctets[rng.Next(C2FirstOctets.Length)], rng.Next(256), rng.Next(256), 1 + rng.Next(254));

    private SynthExternal[] BuildAcceptPool()
    {
        var pool = new SynthExternal[512];
        for (var i = 0; i < pool.Length; i++)
        {
            if (_rng.Next(4) == 0)
            {
                var (a, b, service) = AwsRanges[_rng.Next(AwsRanges.Length)];
                var address = SynthAddr.Make(a, b, _rng.Next(256), 1 + _rng.Next(254));
                pool[i] = new SynthExternal(address, Encoding.ASCII.GetBytes(service));
            }
            else
            {
                pool[i] = new SynthExternal(RandomPublic(_rng), Dash);
            }
        }

        return pool;
    }

    private byte[][] BuildV6Pool()
    {
        var pool = new byte[64][];
        for (var i = 0; i < pool.Length; i++)
        {
            var prefix = ExternalV6Prefixes[_rng.Next(ExternalV6Prefixes.Length)];
            pool[i] = Encoding.ASCII.GetBytes(FormatV6(prefix, 6));
        }

        return pool;
    }

    /// <summary>Canonical (RFC 5952) text of prefix followed by random groups, via IPAddress.</summary>
    private string FormatV6(string prefix, int randomGroups)
    {
        var text = prefix;
        for (var i = 0; i < randomGroups; i++)
        {
            // Zero groups now and then so "::" compression shows up like in real logs.
            var group = _rng.Next(6) == 0 ? 0 : _rng.Next(1, 0x10000);
            text += ":" + group.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        }

        return IPAddress.Parse(text).ToString();
    }

    private void BuildHosts(SynthOptions options)
    {
        var n = options.Hosts;

        // Stratified log-uniform blocked rates, so even a few hosts span ~0.3 to ~15 per hour.
        var rates = new double[n];
        for (var i = 0; i < n; i++)
        {
            rates[i] = 0.3 * Math.Pow(50.0, (i + _rng.NextDouble()) / n);
        }

        _rng.Shuffle(rates);

        for (var i = 0; i < n; i++)
        {
            var account = i % AccountIds.Length;
            var host = NewHost(account, rates[i]);
            Hosts.Add(host);
            ByAccount[account].Add(host);
        }

        ScaleNoise(options.RecordsPerHostHour);
    }

    private SynthHost NewHost(int account, double blockedRate)
    {
        var v4 = NewHostAddress(account);
        var vpcKey = ((long)account << 32) | (v4 & 0xFFFF0000u);
        if (!_vpcs.TryGetValue(vpcKey, out var vpc))
        {
            var vpcId = Encoding.ASCII.GetBytes("vpc-" + Hex17());
            vpc = (vpcId, $"2600:1f18:{_rng.Next(1, 0x10000):x}:{_rng.Next(1, 0x100):x}00");
            _vpcs.Add(vpcKey, vpc);
        }

        // Four /18 subnets per /16 VPC, each in its own AZ.
        var quarter = (int)((v4 >> 14) & 3);
        var subnetKey = (vpcKey << 2) | (long)quarter;
        if (!_subnets.TryGetValue(subnetKey, out var subnet))
        {
            var zone = (1 + ((quarter + account) % 6)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            subnet = (Encoding.ASCII.GetBytes("subnet-" + Hex17()), Encoding.ASCII.GetBytes("use1-az" + zone));
            _subnets.Add(subnetKey, subnet);
        }

        var host = new SynthHost
        {
            Account = account,
            AccountId = AccountIdBytes[account],
            V4 = v4,
            V4Text = SynthAddr.FormatV4(v4),
            VpcId = vpc.Vpc,
            SubnetId = subnet.Subnet,
            AzId = subnet.Az,
            NetworkBase = v4 & 0xFFFF0000u,
            // Some interfaces belong to Lambda, NAT or load balancers and have no instance.
            InstanceId = _rng.Next(10) == 0 ? Dash : Encoding.ASCII.GetBytes("i-" + Hex17()),
            Enis = _rng.Next(10) < 3
                ? [Encoding.ASCII.GetBytes("eni-" + Hex17()), Encoding.ASCII.GetBytes("eni-" + Hex17())]
                : [Encoding.ASCII.GetBytes("eni-" + Hex17())],
            V6 = _rng.Next(10) < 4 ? Encoding.ASCII.GetBytes(FormatV6(vpc.V6Prefix, 4)) : null,
            BlockedRate = blockedRate,
        };

        var destinations = new uint[2 + _rng.Next(5)];
        for (var i = 0; i < destinations.Length; i++)
        {
            destinations[i] = RandomPublic(_rng);
        }

        host.BlockedDestinations = destinations;

        // Mild day/night cycle peaking in US business hours (UTC afternoon).
        var peak = 14 + _rng.NextDouble() * 6;
        var amplitude = 0.2 + _rng.NextDouble() * 0.15;
        for (var h = 0; h < 24; h++)
        {
            var factor = 1 + amplitude * Math.Cos(2 * Math.PI * (h - peak) / 24);
            host.BlockedLambda[h] = blockedRate * factor;
            host.NoiseLambda[h] = factor;
        }

        // Per-host traffic volume weight, turned into a noise rate by ScaleNoise.
        host.NoiseRate = 0.5 + _rng.NextDouble();
        return host;
    }

    private uint NewHostAddress(int account)
    {
        for (var attempt = 0; ; attempt++)
        {
            var r = attempt < 64 ? _rng.Next(100) : 0;
            var c = _rng.Next(256);
            var d = 4 + _rng.Next(251);
            uint v4 = r switch
            {
                // Mostly 10.x, in four /16 VPCs per account.
                < 80 => SynthAddr.Make(10, 16 * (account + 1) + _rng.Next(4), c, d),
                // The default VPC 172.31/16 and a second 172.x VPC.
                < 92 => SynthAddr.Make(172, account == 0 ? 31 : 20, c, d),
                _ => SynthAddr.Make(192, 168, (account << 7) | (c & 0x7F), d),
            };
            if (_usedHostAddresses.Add(v4))
            {
                return v4;
            }
        }
    }

    /// <summary>Sets each host's noise rate so that the average host-hour has about
    /// <paramref name="recordsPerHostHour"/> records of all kinds; blocked rates stay fixed because
    /// they define the detection statistics.</summary>
    private void ScaleNoise(double recordsPerHostHour)
    {
        var blocked = Hosts.Sum(h => h.BlockedRate);
        var weight = Hosts.Sum(h => h.NoiseRate);
        var wanted = Math.Max(recordsPerHostHour * Hosts.Count - blocked, 0.2 * Hosts.Count);
        foreach (var host in Hosts)
        {
            host.NoiseRate = Math.Max(0.2, host.NoiseRate * wanted / weight);
            for (var h = 0; h < 24; h++)
            {
                host.NoiseLambda[h] *= host.NoiseRate;
            }
        }
    }

    private string Hex17()
    {
        Span<char> chars = stackalloc char[17];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = "0123456789abcdef"[_rng.Next(16)];
        }

        return new string(chars);
    }
}
