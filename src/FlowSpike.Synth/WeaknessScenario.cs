using System.Globalization;
using System.Text;

namespace FlowSpike.Synth;

/// <summary>
/// Small labelled data sets, one per weakness of the ESCU search's statistics, for `flowspike evaluate`. Each is ten
/// days of
/// hourly blocked outbound records (a week of baseline, three days of detection) from a few dozen hosts, with spikes
/// injected in the detection days and written to labels.csv. Rates are Poisson, seeded, so a seed gives the same files.
/// </summary>
internal static class WeaknessScenario
{
    public static IReadOnlyList<string> Names { get; } =
        ["noisy-low-rate", "quiet-days", "overlapping-ips", "new-host", "daily-cycle", "ipv6"];

    public const string Header = "version account-id vpc-id interface-id srcaddr dstaddr srcport dstport protocol"
        + " packets bytes start end action log-status";

    private const string AccountA = "111111111111", AccountB = "222222222222";
    private const string VpcA = "vpc-0aaaaaaaaaaaaaaaa", VpcB = "vpc-0bbbbbbbbbbbbbbbb";
    private const int Hours = 240, DetectFrom = 168;

    /// <summary>The first hour of every scenario: 2026-10-01T00:00:00Z (a Thursday).</summary>
    public static DateTimeOffset Start { get; } = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);

    private sealed record Host(string Account, string Vpc, string Ip, Func<int, double> Rate, int FirstHour = 0)
    {
        public string Eni { get; } =
            "eni-" + StableHash(Account + Ip).ToString("x8", CultureInfo.InvariantCulture) + "00000000";
    }

    /// <summary>Writes DIR/flows.log and DIR/labels.csv; returns the number of labelled spikes.</summary>
    public static int Write(string name, string dir, int seed = 1)
    {
        var rng = new Random(SynthMath.MixSeed(seed, StableHash(name), 11));
        var hosts = new List<Host>();
        var spikes = new List<(Host Host, int Hour, int Extra)>();
        // Every scenario has the ESCU search's everyday background: hosts that block a few connections now and then.
        for (int i = 0; i < 20; i++)
        {
            double rate = 0.3 + 4.0 * i / 20;
            bool even = i % 2 == 0;
            hosts.Add(new Host(even ? AccountA : AccountB, even ? VpcA : VpcB, $"10.0.0.{10 + i}", _ => rate));
        }
        switch (name)
        {
            case "noisy-low-rate":
                for (int i = 0; i < 30; i++)
                {
                    double rate = 0.2 + 1.8 * i / 30;
                    hosts.Add(new Host(AccountA, VpcA, $"10.1.0.{10 + i}", _ => rate));
                }
                foreach (int i in (int[])[3, 14, 25])
                    spikes.Add((hosts[20 + i], DetectFrom + 12 + 17 * i % 60, 40 + i));
                break;
            case "quiet-days":
                // Steady hosts that go silent for three days (an instance stopped over a long weekend) and come back.
                for (int i = 0; i < 20; i++)
                {
                    double rate = 5 + i;
                    int off = 24 * (4 + i % 4);
                    hosts.Add(new Host(AccountA, VpcA, $"10.2.0.{10 + i}", h => h >= off && h < off + 72 ? 0 : rate));
                }
                foreach (int i in (int[])[2, 9, 17])
                    spikes.Add((hosts[20 + i], DetectFrom + 30 + i, 80));
                break;
            case "overlapping-ips":
                // The same private addresses in two accounts: busy, erratic servers in A, quiet hosts in B.
                for (int i = 0; i < 10; i++)
                {
                    string ip = $"10.3.0.{10 + i}";
                    hosts.Add(new Host(AccountA, VpcA, ip, h => 10 + 50 * Hash01(h * 31 + ip.Length * 7 + i)));
                    hosts.Add(new Host(AccountB, VpcB, ip, _ => 0.5));
                }
                foreach (int i in (int[])[1, 4, 8])
                    spikes.Add((hosts[20 + 2 * i + 1], DetectFrom + 20 + 5 * i, 30));
                break;
            case "new-host":
                // Hosts launched at the start of detection; some of them start beaconing a day and a half later.
                for (int i = 0; i < 6; i++)
                {
                    double rate = 1 + i % 3;
                    hosts.Add(new Host(AccountA, VpcA, $"10.4.0.{10 + i}", _ => rate, FirstHour: DetectFrom));
                }
                foreach (int i in (int[])[0, 2, 4])
                    spikes.Add((hosts[20 + i], DetectFrom + 36 + 3 * i, 40));
                break;
            case "daily-cycle":
                // Office-hours hosts, and hosts whose nightly job hits a blocked endpoint at 02:00.
                for (int i = 0; i < 10; i++)
                {
                    double day = 15 + i;
                    hosts.Add(new Host(AccountA, VpcA, $"10.5.0.{10 + i}", h => h % 24 is >= 8 and < 18 ? day : 0.3));
                }
                for (int i = 0; i < 10; i++)
                {
                    double job = 40 + 4 * i;
                    hosts.Add(new Host(AccountB, VpcB, $"10.5.1.{10 + i}", h => h % 24 == 2 ? job : 1));
                }
                foreach (int i in (int[])[1, 6, 13])
                    spikes.Add((hosts[20 + i], DetectFrom + 22 + 3 * i, 90));
                break;
            case "ipv6":
                // Dual-stack hosts whose blocked traffic leaves over IPv6 from unique local addresses.
                for (int i = 0; i < 10; i++)
                {
                    double rate = 1 + i;
                    hosts.Add(new Host(AccountA, VpcA, $"fd00:10::{10 + i:x}", _ => rate));
                }
                foreach (int i in (int[])[2, 5, 7])
                    spikes.Add((hosts[20 + i], DetectFrom + 15 + 6 * i, 60));
                break;
            default:
                throw new ArgumentException(
                    $"unknown scenario '{name}' (known: {string.Join(", ", Names)})", nameof(name));
        }

        Directory.CreateDirectory(dir);
        long t0 = Start.ToUnixTimeSeconds();
        using (var w = new StreamWriter(Path.Combine(dir, "flows.log"), false, new UTF8Encoding(false)))
        {
            w.Write(Header + "\n");
            for (int h = 0; h < Hours; h++)
            {
                foreach (var host in hosts)
                {
                    if (h < host.FirstHour)
                        continue;
                    int count = SynthMath.Poisson(rng, host.Rate(h));
                    foreach (var s in spikes)
                    {
                        if (ReferenceEquals(s.Host, host) && s.Hour == h)
                            count += s.Extra;
                    }
                    bool v6 = host.Ip.Contains(':', StringComparison.Ordinal);
                    for (int k = 0; k < count; k++)
                    {
                        long start = t0 + h * 3600L + rng.Next(3540);
                        string dst = v6
                            ? $"2001:db8:{rng.Next(1, 0xffff):x}::{rng.Next(1, 0xffff):x}"
                            : $"203.0.{rng.Next(113, 114)}.{rng.Next(1, 255)}";
                        int srcPort = 32768 + rng.Next(28000);
                        w.Write(string.Create(
                            CultureInfo.InvariantCulture,
                            $"5 {host.Account} {host.Vpc} {host.Eni} {host.Ip} {dst} {srcPort} 443 6 1 60 {start} "
                            + $"{start + 5} REJECT OK\n"));
                    }
                }
            }
        }
        var labels = new StringBuilder("src_ip,window_start,window_end,extra_blocked,account\n");
        foreach (var s in spikes.OrderBy(s => s.Hour))
        {
            var ws = Start.AddHours(s.Hour);
            labels.Append(
                CultureInfo.InvariantCulture,
                $"{s.Host.Ip},{ws:yyyy-MM-ddTHH:mm:ssZ},{ws.AddHours(1):yyyy-MM-ddTHH:mm:ssZ},"
                + $"{s.Extra},{s.Host.Account}\n");
        }
        File.WriteAllText(Path.Combine(dir, "labels.csv"), labels.ToString());
        return spikes.Count;
    }

    /// <summary>FNV-1a: string.GetHashCode differs between processes, and the files must not.</summary>
    private static uint StableHash(string text)
    {
        uint h = 2166136261;
        foreach (char c in text)
            h = (h ^ c) * 16777619;
        return h;
    }

    /// <summary>A fixed pseudo-random number in [0, 1) per input, so an erratic rate is the same on every
    /// run.</summary>
    private static double Hash01(int x)
    {
        uint z = (uint)x * 2654435761u;
        z ^= z >> 15;
        z *= 2246822519u;
        z ^= z >> 13;
        return (z & 0xFFFFFF) / (double)0x1000000;
    }
}
