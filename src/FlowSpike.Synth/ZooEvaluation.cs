using System.Globalization;
using System.Text;
using FlowSpike.Alerts;
using FlowSpike.Baseline;
using FlowSpike.Runs;

namespace FlowSpike.Synth;

/// <summary>
/// The zoo's figures (`flowspike evaluate` on `synth --scenario zoo`, and the calibration on spike-free zoos):
/// precision, recall by spike size, false alerts per 1,000 host-hours by behaviour, each beside the oracle's.
/// </summary>
internal static class ZooEvaluation
{
    /// <summary>One model's (or the oracle's) figures on a zoo.</summary>
    public sealed record Figures(
        string Model, int Alerts, int TruePositives, double Precision,
        IReadOnlyDictionary<string, (int Found, int Total)> RecallBySize,
        IReadOnlyDictionary<string, double> FalsePer1000ByBehaviour);

    /// <summary>A host of a zoo (hosts.csv) and its detection host-hours.</summary>
    public sealed record ZooHost(string SrcIp, string Account, string Behaviour, long FirstSeen);

    public static List<ZooHost> ReadHosts(string path)
    {
        var hosts = new List<ZooHost>();
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            var f = line.Split(',');
            if (f.Length < 4 || !TimeRange.TryParseTime(f[3], out long first))
                throw new RunException(
                    $"{path}: bad host line '{line}' (expected src_ip,account,behaviour,first_seen)");
            hosts.Add(new ZooHost(f[0], f[1], f[2], first));
        }
        return hosts;
    }

    /// <summary>The oracle's candidate alerts (oracle.csv): host, window start and tail.</summary>
    public static List<(string SrcIp, long WindowStart, double Tail)> ReadOracle(string path)
    {
        var rows = new List<(string, long, double)>();
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            var f = line.Split(',');
            if (f.Length < 5 || !TimeRange.TryParseTime(f[2], out long start)
                || !double.TryParse(f[4], NumberStyles.Float, CultureInfo.InvariantCulture, out double tail))
                throw new RunException(
                    $"{path}: bad oracle line '{line}' (expected src_ip,account,window_start,count,oracle_tail)");
            rows.Add((f[0], start, tail));
        }
        return rows;
    }

    /// <summary>Scores alerts (host, window start) against the zoo's labels and hosts.</summary>
    public static Figures Score(
        string model, IReadOnlyList<(string SrcIp, long WindowStart)> alerts, IReadOnlyList<Evaluation.Label> labels,
        IReadOnlyList<ZooHost> hosts, long detectFrom, long detectTo, long window)
    {
        bool Matches((string SrcIp, long WindowStart) a, Evaluation.Label l) =>
            a.SrcIp == l.SrcIp && a.WindowStart < l.WindowEnd && a.WindowStart + window > l.WindowStart;
        var byHost = labels.ToLookup(l => l.SrcIp);
        var behaviourOf = hosts.GroupBy(h => h.SrcIp).ToDictionary(g => g.Key, g => g.First().Behaviour);
        int tp = 0;
        var falseBy = new Dictionary<string, int>();
        foreach (var a in alerts)
        {
            if (byHost[a.SrcIp].Any(l => Matches(a, l)))
                tp++;
            else
            {
                string b = behaviourOf.GetValueOrDefault(a.SrcIp, "other");
                falseBy[b] = falseBy.GetValueOrDefault(b) + 1;
            }
        }
        var alertsByHost = alerts.ToLookup(a => a.SrcIp);
        var recall = new Dictionary<string, (int, int)>();
        foreach (var group in labels.GroupBy(l => l.Size ?? "spike"))
            recall[group.Key] = (group.Count(l => alertsByHost[l.SrcIp].Any(a => Matches(a, l))), group.Count());
        // The ×5 and ×10 spikes the oracle itself finds at the nominal tail (see docs/models.md, "detectable").
        var detectable = labels.Where(l => l.Size is "x5" or "x10" && l.OracleTail < DetectableTail).ToList();
        recall[Detectable] = (detectable.Count(l => alertsByHost[l.SrcIp].Any(a => Matches(a, l))), detectable.Count);
        // Every labelled spike, whatever its size, that the host's true distribution makes all but impossible.
        var obvious = labels.Where(l => l.OracleTail < ObviousTail).ToList();
        recall[Obvious] = (obvious.Count(l => alertsByHost[l.SrcIp].Any(a => Matches(a, l))), obvious.Count);
        var perBehaviour = new Dictionary<string, double>();
        foreach (var group in hosts.GroupBy(h => h.Behaviour))
        {
            double hostHours =
                group.Sum(h => Math.Max(0, detectTo - Math.Max(detectFrom, h.FirstSeen)) / (double)window);
            perBehaviour[group.Key] = hostHours <= 0 ? 0 : falseBy.GetValueOrDefault(group.Key) * 1000.0 / hostHours;
        }
        double precision = alerts.Count == 0 ? 0 : tp / (double)alerts.Count;
        return new Figures(model, alerts.Count, tp, precision, recall, perBehaviour);
    }

    public static Figures Score(string model, IReadOnlyList<Alert> alerts, IReadOnlyList<Evaluation.Label> labels,
        IReadOnlyList<ZooHost> hosts, long detectFrom, long detectTo, long window) =>
        Score(model, [.. alerts.Select(a => (a.SrcIp, a.WindowStart))], labels, hosts, detectFrom, detectTo, window);

    /// <summary>The recall key of the ×5 and ×10 spikes whose oracle tail is below
    /// <see cref="DetectableTail"/>.</summary>
    public const string Detectable = "x5+ detectable";

    /// <summary>The nominal tail of the recommended model: a spike the oracle scores above it is within normal
    /// range.</summary>
    public const double DetectableTail = 1e-4;

    /// <summary>The recall key of the spikes (any size, new hosts too) whose oracle tail is below
    /// <see cref="ObviousTail"/>.</summary>
    public const string Obvious = "oracle-obvious";

    /// <summary>
    /// A spike this unlikely under the host's true distribution is one any analyst would call obvious: the recommended
    /// model must flag every one (docs/models.md, "oracle-obvious recall").
    /// </summary>
    public const double ObviousTail = 1e-9;

    /// <summary>Recall over the multiplicative sizes ×5 and above (×5 and ×10; +50 and new hosts are not
    /// multiples).</summary>
    public static double RecallFiveAndAbove(Figures f)
    {
        var big = f.RecallBySize.Where(kv => kv.Key is "x5" or "x10").Select(kv => kv.Value).ToList();
        int total = big.Sum(v => v.Total);
        return total == 0 ? 0 : big.Sum(v => v.Found) / (double)total;
    }

    public static string Markdown(IReadOnlyList<Figures> rows)
    {
        var sizes = ZooScenario.SpikeSizes.Append("new").ToList();
        var sb = new StringBuilder("| model | alerts | true | precision | "
            + string.Join(" | ", sizes.Select(s => "recall " + s))
            + " | recall ×5 and ×10 | recall ×5 and ×10, oracle-detectable"
            + " | oracle-obvious recall (tail < 1e-9) |\n");
        sb.Append("| --- | --- | --- | --- | " + string.Join(" | ", sizes.Select(_ => "---"))
            + " | --- | --- | --- |\n");
        foreach (var r in rows)
        {
            sb.Append(
                CultureInfo.InvariantCulture, $"| {r.Model} | {r.Alerts} | {r.TruePositives} | {r.Precision:F2} | ");
            foreach (string s in sizes)
            {
                sb.Append(r.RecallBySize.TryGetValue(s, out var v)
                    ? string.Create(CultureInfo.InvariantCulture, $"{v.Found}/{v.Total} ")
                    : "- ").Append("| ");
            }
            string Share(string key) => r.RecallBySize.GetValueOrDefault(key) is var (found, total) && total > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{found}/{total} = {found / (double)total:F2}")
                : "-";
            sb.Append(CultureInfo.InvariantCulture,
                $"{RecallFiveAndAbove(r):F2} | {Share(Detectable)} | {Share(Obvious)} |\n");
        }
        sb.Append("\nFalse alerts per 1,000 host-hours, by behaviour:\n\n| model | "
            + string.Join(" | ", ZooScenario.Behaviours) + " |\n| --- |"
            + string.Concat(ZooScenario.Behaviours.Select(_ => " --- |")) + "\n");
        foreach (var r in rows)
        {
            var rates = ZooScenario.Behaviours.Select(b => r.FalsePer1000ByBehaviour.TryGetValue(b, out double v)
                ? v.ToString("F2", CultureInfo.InvariantCulture)
                : "-");
            sb.Append("| " + r.Model + " | " + string.Join(" | ", rates) + " |\n");
        }
        return sb.ToString();
    }

    /// <summary>The oracle's alerts at tail probability <paramref name="tail"/>, from oracle.csv.</summary>
    public static List<(string SrcIp, long WindowStart)> OracleAlerts(
        IEnumerable<(string SrcIp, long WindowStart, double Tail)> oracle, double tail) =>
        [.. oracle.Where(o => o.Tail < tail).Select(o => (o.SrcIp, o.WindowStart))];

    /// <summary>
    /// Steps a model through a zoo's counts in memory, host by host from its first blocked record, as a baseline and
    /// detection would, and returns the detection windows it called spikes.
    /// </summary>
    public static List<(ZooScenario.Host Host, int Hour)> Replay(ZooScenario.World world, Func<ISpikeModel> model)
    {
        var alerts = new List<(ZooScenario.Host, int)>();
        long t0 = ZooScenario.Start.ToUnixTimeSeconds();
        foreach (var host in world.Hosts)
        {
            var m = model();
            BaselineRow? row = null;
            int first = Array.FindIndex(host.Counts, c => c > 0);
            if (first < 0)
                continue;
            for (int h = first; h < world.Hours; h++)
            {
                int c = host.Counts[h];
                var step = m.Step(row, 1, c > 0 ? c : null, t0 + h * 3600L);
                row = step.Updated;
                if (step.Spike && h >= world.DetectFrom)
                    alerts.Add((host, h));
            }
        }
        return alerts;
    }

    /// <summary>One behaviour's false-alert rate on spike-free data at a nominal tail probability.</summary>
    public sealed record Calibration(
        string Behaviour, double Nominal, long HostHours, int ModelAlerts, int OracleAlerts)
    {
        public double ModelRate => HostHours == 0 ? 0 : ModelAlerts / (double)HostHours;
        public double OracleRate => HostHours == 0 ? 0 : OracleAlerts / (double)HostHours;
    }

    /// <summary>
    /// The recommended model's false alerts per host-hour on spike-free zoos of <paramref name="seeds"/> (detection
    /// days only, every behaviour but the new beaconing hosts, which are anomalies by construction), at each nominal
    /// tail.
    /// </summary>
    public static List<Calibration> Calibrate(
        IEnumerable<int> seeds, IReadOnlyList<double> nominals, RecommendedSettings rules, int perBehaviour = 30,
        int detectDays = 14)
    {
        var acc = new Dictionary<(string, double), (long HostHours, int Model, int Oracle)>();
        foreach (int seed in seeds)
        {
            var world = ZooScenario.Build(seed, perBehaviour, detectDays, spikes: false);
            // The oracle's tails below the largest nominal, host-hour by host-hour, once for every nominal.
            double widest = nominals.Max();
            var oracleTails = world.Hosts.ToDictionary(host => host, host =>
            {
                var tails = new List<double>();
                for (int h = Math.Max(world.DetectFrom, host.FirstHour); h < world.Hours; h++)
                {
                    if (ZooScenario.OracleBelow(host, h, host.Counts[h], widest))
                        tails.Add(ZooScenario.OracleTail(host, h, host.Counts[h]));
                }
                return tails;
            });
            foreach (double nominal in nominals)
            {
                var settings = rules with { TailProbability = nominal };
                var alerts = Replay(world, () => new RecommendedModel(settings)).ToLookup(a => a.Host);
                foreach (var host in world.Hosts.Where(h => h.Behaviour != "new-beaconing"))
                {
                    int from = Math.Max(world.DetectFrom, host.FirstHour);
                    int oracle = oracleTails[host].Count(t => t < nominal);
                    var key = (host.Behaviour, nominal);
                    var v = acc.GetValueOrDefault(key);
                    acc[key] = (v.HostHours + world.Hours - from, v.Model + alerts[host].Count(), v.Oracle + oracle);
                }
            }
        }
        return [.. acc.Select(kv =>
                new Calibration(kv.Key.Item1, kv.Key.Item2, kv.Value.HostHours, kv.Value.Model, kv.Value.Oracle))
            .OrderByDescending(c => c.Nominal).ThenBy(c => ZooScenario.Behaviours.ToList().IndexOf(c.Behaviour))];
    }

    public static string CalibrationMarkdown(IReadOnlyList<Calibration> rows)
    {
        var sb = new StringBuilder("| nominal tail | behaviour | host-hours | false alerts | per host-hour | ÷ nominal"
            + " | oracle per host-hour | oracle ÷ nominal |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        foreach (var c in rows)
        {
            sb.Append(
                CultureInfo.InvariantCulture,
                $"| {c.Nominal:G3} | {c.Behaviour} | {c.HostHours} | {c.ModelAlerts} | {c.ModelRate:G3} | "
                + $"{c.ModelRate / c.Nominal:F2} | {c.OracleRate:G3} | {c.OracleRate / c.Nominal:F2} |\n");
        }
        return sb.ToString();
    }
}
