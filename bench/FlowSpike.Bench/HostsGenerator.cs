using System.Globalization;
using System.Text;

namespace FlowSpike.Bench;

/// <summary>
/// `hosts DIR HOSTS MB REJECT_SHARE FILES`: header-less default-format text for the cardinality cells of
/// scripts/bench-e2e.sh, where only the number of distinct internal sources changes (the synth generator stops at
/// 200,000 hosts). Sources are 10.0.0.1 upwards, each sending about the same share of lines over 4 hours; a line is a
/// REJECT with probability REJECT_SHARE, and about half of those REJECTs are outbound to a public address (counted).
/// </summary>
public static class HostsGenerator
{
    public const long From = 1_790_812_800; // 2026-10-01T00:00:00Z, as the script's range

    public static int Run(string dir, int hosts, int megabytes, double rejectShare, int files)
    {
        Directory.CreateDirectory(dir);
        var rng = new Random(15);
        long target = (long)megabytes * 1_000_000 / files;
        var line = new StringBuilder(160);
        for (int f = 0; f < files; f++)
        {
            using var writer = new StreamWriter(
                Path.Combine(dir, $"part{f}.log"), false, new UTF8Encoding(false), 1 << 20);
            long written = 0;
            int host = f;
            while (written < target)
            {
                host = (host + 1 + rng.Next(3)) % hosts;
                uint src = 0x0A000001u + (uint)host;
                long start = From + rng.Next(4 * 3600);
                bool reject = rng.NextDouble() < rejectShare;
                bool outbound = rng.Next(100) < (reject ? 55 : 45);
                uint peer = outbound || !reject && rng.Next(2) == 0
                    ? 0x08000000u + (uint)rng.Next(1 << 24) // 8.0.0.0/8, public
                    : 0x0A000001u + (uint)rng.Next(hosts);
                (uint s, uint d) = outbound ? (src, peer) : (peer, src);
                line.Clear();
                string action = reject ? "REJECT" : "ACCEPT";
                line.Append(CultureInfo.InvariantCulture, $"2 123456789012 eni-{host:x8} {Ip(s)} {Ip(d)} ");
                line.Append(CultureInfo.InvariantCulture,
                    $"{32768 + rng.Next(28000)} 443 6 {1 + rng.Next(3)} {60 + rng.Next(900)} ");
                line.Append(CultureInfo.InvariantCulture, $"{start} {start + rng.Next(60)} {action} OK\n");
                writer.Write(line);
                written += line.Length;
            }
        }
        Console.WriteLine($"hosts: wrote {files} file(s) of about {target / 1_000_000} MB for {hosts} sources");
        return 0;
    }

    private static string Ip(uint ip) => $"{ip >> 24}.{(ip >> 16) & 255}.{(ip >> 8) & 255}.{ip & 255}";
}
