using System.Globalization;
using System.Text;

namespace FlowSpike.Synth;

/// <summary>The zoo's files: the flow records of every host-hour, its labels, its hosts and the oracle's
/// candidates.</summary>
internal static class ZooFiles
{
    /// <summary>
    /// Writes <paramref name="world"/> as DIR/flows.log, DIR/labels.csv (with behaviour, size and oracle tail),
    /// DIR/hosts.csv (every host's behaviour) and DIR/oracle.csv (the detection host-hours whose oracle tail is below
    /// 1e-3); returns the number of labels.
    /// </summary>
    public static int Write(ZooScenario.World world, string dir, int seed)
    {
        Directory.CreateDirectory(dir);
        long t0 = ZooScenario.Start.ToUnixTimeSeconds();
        var rng = new Random(SynthMath.MixSeed(seed, 0x500, 4));
        var enis = world.Hosts.Select((h, i) => (h, i)).ToDictionary(
            x => x.h,
            x => "eni-" + SynthMath.MixSeed(seed, 0x600, x.i).ToString("x8", CultureInfo.InvariantCulture)
                + "00000000");
        using (var w = new StreamWriter(Path.Combine(dir, "flows.log"), false, new UTF8Encoding(false), 1 << 16))
        {
            w.Write(WeaknessScenario.Header + "\n");
            var line = new StringBuilder(160);
            for (int h = 0; h < world.Hours; h++)
            {
                foreach (var host in world.Hosts)
                {
                    int count = host.Counts[h];
                    string vpc = host.Account == ZooScenario.AccountA
                        ? "vpc-0aaaaaaaaaaaaaaaa"
                        : "vpc-0bbbbbbbbbbbbbbbb";
                    for (int k = 0; k < count; k++)
                    {
                        long start = t0 + h * 3600L + rng.Next(3540);
                        line.Clear();
                        int c = 113 + rng.Next(2), d = rng.Next(1, 255), srcPort = 32768 + rng.Next(28000);
                        line.Append(
                            CultureInfo.InvariantCulture,
                            $"5 {host.Account} {vpc} {enis[host]} {host.Ip} 203.0.{c}.{d} {srcPort} 443 6 1 60 {start} "
                            + $"{start + 5} REJECT OK\n");
                        w.Write(line);
                    }
                }
            }
        }
        var labels = new StringBuilder(
            "src_ip,window_start,window_end,extra_blocked,account,behaviour,size,count,oracle_tail\n");
        foreach (var s in world.Spikes)
        {
            var ws = ZooScenario.Start.AddHours(s.Hour);
            // A new beaconing host is labelled from its first hour to the end: every alert on it is true.
            var we = s.Size == "new" ? ZooScenario.Start.AddHours(world.Hours) : ws.AddHours(1);
            labels.Append(
                CultureInfo.InvariantCulture,
                $"{s.Host.Ip},{ws:yyyy-MM-ddTHH:mm:ssZ},{we:yyyy-MM-ddTHH:mm:ssZ},{s.Extra},{s.Host.Account},"
                + $"{s.Host.Behaviour},{s.Size},{s.Count},{s.OracleTail:R}\n");
        }
        File.WriteAllText(Path.Combine(dir, "labels.csv"), labels.ToString());
        var hostsCsv = new StringBuilder("src_ip,account,behaviour,first_seen\n");
        foreach (var host in world.Hosts)
        {
            var firstSeen = ZooScenario.Start.AddHours(host.FirstHour);
            hostsCsv.Append(
                CultureInfo.InvariantCulture,
                $"{host.Ip},{host.Account},{host.Behaviour},{firstSeen:yyyy-MM-ddTHH:mm:ssZ}\n");
        }
        File.WriteAllText(Path.Combine(dir, "hosts.csv"), hostsCsv.ToString());
        var oracle = new StringBuilder("src_ip,account,window_start,count,oracle_tail\n");
        foreach (var host in world.Hosts)
        {
            for (int h = Math.Max(world.DetectFrom, host.FirstHour); h < world.Hours; h++)
            {
                if (host.Counts[h] == 0 || host.Counts[h] <= host.Level(h))
                    continue;
                if (ZooScenario.OracleBelow(host, h, host.Counts[h], 1e-3))
                {
                    double tail = ZooScenario.OracleTail(host, h, host.Counts[h]);
                    var windowStart = ZooScenario.Start.AddHours(h);
                    oracle.Append(
                        CultureInfo.InvariantCulture,
                        $"{host.Ip},{host.Account},{windowStart:yyyy-MM-ddTHH:mm:ssZ},{host.Counts[h]},{tail:R}\n");
                }
            }
        }
        File.WriteAllText(Path.Combine(dir, "oracle.csv"), oracle.ToString());
        return world.Spikes.Count;
    }
}
