using System.Globalization;
using System.Text;
using FlowSpike.Baseline;

namespace FlowSpike.Synth;

/// <summary>
/// The planted-burst scenario (docs/models.md): a patient intruder plants one or two ×3 bursts in a host's baseline,
/// then beacons at ×10 in the detection week. Hosts of the zoo's behaviours without bursts of their own (Poisson,
/// daily, weekly and office-hours cycles) each get their bursts at random baseline hours of at least the host's mean
/// level (a ×3 of a typical hour, not of a trough) and a ×10 at a random detection hour, all relative to the hour's
/// level (never below <see cref="ZooScenario.MinSpikeLevel"/>), as the zoo's spikes are. Every ×10 must be flagged:
/// one or two bursts never buy a free ×10. With no burst planted it is the plain set: Poisson hosts, flat or with a
/// cycle, and one ×10 each, where the ESCU search (beside) flags every one.
/// </summary>
internal static class ZooPlantedBursts
{
    public static IReadOnlyList<string> Behaviours { get; } =
        ["poisson", "daily-cycle", "weekly-cycle", "office-hours"];

    /// <summary>
    /// One planted host: its behaviour, the bursts planted, the ×10's count and oracle tail, and the verdict.
    /// </summary>
    public sealed record Case(
        int Seed, string Behaviour, int Bursts, double Level, int Count, double OracleTail, bool Flagged,
        double BurstsLearned, SpikeEvidence Evidence, bool SplunkFlagged);

    /// <summary>
    /// Builds <paramref name="perBehaviour"/> hosts per behaviour and per number of bursts (0, 1 and 2) for each seed,
    /// steps the recommended model (and the ESCU search) through each, and says whether it flagged the ×10.
    /// </summary>
    public static List<Case> Run(IEnumerable<int> seeds, RecommendedSettings rules, int perBehaviour = 10)
    {
        var cases = new List<Case>();
        int hours = (ZooScenario.BaselineDays + 7) * 24, detectFrom = ZooScenario.BaselineDays * 24;
        long t0 = ZooScenario.Start.ToUnixTimeSeconds();
        foreach (int seed in seeds)
        {
            var rng = new Random(SynthMath.MixSeed(seed, 0x500, 5));
            int n = 0;
            foreach (string behaviour in Behaviours)
            {
                for (int bursts = 0; bursts <= 2; bursts++)
                {
                    for (int i = 0; i < perBehaviour; i++, n++)
                    {
                        double u = (i + rng.NextDouble()) / perBehaviour;
                        var host = ZooBehaviours.NewHost(behaviour, "10.99.0.1", ZooScenario.AccountA, u, rng, hours,
                            detectFrom);
                        var counts = ZooCounts.Draw(host, new Random(SynthMath.MixSeed(seed, 0x600 + n, 6)), hours);
                        // Bursts after the first two days (a burst the model can learn), at least a day apart, at hours
                        // of at least the mean level.
                        double mean = Enumerable.Range(48, detectFrom - 50).Average(h => host.Level(h));
                        var at = new List<int>();
                        while (at.Count < bursts)
                        {
                            int h = rng.Next(48, detectFrom - 2);
                            if (host.Level(h) >= mean * (1 - 1e-9) && at.All(a => Math.Abs(a - h) >= 24))
                                at.Add(h);
                        }
                        foreach (int h in at)
                            counts[h] += (int)Math.Round(2 * Math.Max(host.Level(h), ZooScenario.MinSpikeLevel));
                        int spike = rng.Next(detectFrom + 6, hours - 1);
                        counts[spike] += (int)Math.Round(9 * Math.Max(host.Level(spike), ZooScenario.MinSpikeLevel));
                        var (flagged, learned, evidence) = Replay(counts, spike, rules, t0, detectFrom);
                        cases.Add(new Case(seed, behaviour, bursts, host.Level(spike), counts[spike],
                            ZooScenario.OracleTail(host, spike, counts[spike]), flagged, learned, evidence,
                            SplunkFlags(counts, spike, t0, detectFrom)));
                    }
                }
            }
        }
        return cases;
    }

    private static (bool Flagged, double Learned, SpikeEvidence Evidence) Replay(
        int[] counts, int spike, RecommendedSettings rules, long t0, int detectFrom)
    {
        var model = new RecommendedModel(rules);
        BaselineRow? row = null;
        double learned = 0;
        int first = Array.FindIndex(counts, c => c > 0);
        for (int h = Math.Max(first, 0); h <= spike; h++)
        {
            var step = model.Step(row, 1, counts[h] > 0 ? counts[h] : null, t0 + h * 3600L);
            if (h == spike)
            {
                var state = row is { } r ? HostState.Read(r.ModelState) : new HostState();
                var evidence = model.Score(state, row?.Avg ?? 0, row?.NumDataPoints ?? 0, counts[h], t0 + h * 3600L);
                return (step.Spike, learned, evidence);
            }
            row = step.Updated;
            if (h == detectFrom - 1)
                learned = HostState.Read(row.Value.ModelState).BurstN;
        }
        return (false, learned, new SpikeEvidence(0, 0, 1, SpikeEvidence.CountRule));
    }

    /// <summary>
    /// Whether the ESCU search flags the ×10: its baseline the support search's (mean and sample deviation of the
    /// baseline's hours with blocked records), then stepped through the detection hours.
    /// </summary>
    private static bool SplunkFlags(int[] counts, int spike, long t0, int detectFrom)
    {
        var seen = counts[..detectFrom].Where(c => c > 0).Select(c => (double)c).ToList();
        if (seen.Count < 2)
            return false;
        double avg = seen.Average();
        double stdev = Math.Sqrt(seen.Sum(c => (c - avg) * (c - avg)) / (seen.Count - 1));
        var model = new SplunkModel(new SpikeSettings());
        BaselineRow? row = new BaselineRow(1, null, seen.Count, avg, stdev);
        for (int h = detectFrom; h < spike; h++)
            row = model.Step(row, 1, counts[h] > 0 ? counts[h] : null, t0 + h * 3600L).Updated;
        return model.Step(row, 1, counts[spike], t0 + spike * 3600L).Spike;
    }

    /// <summary>The ×10s flagged, by behaviour and bursts planted, with the bursts the model learned.</summary>
    public static string Markdown(IReadOnlyList<Case> cases)
    {
        var sb = new StringBuilder("| behaviour | bursts planted | hosts | ×10 flagged | ESCU search flagged |"
            + " hosts that learned a burst | highest oracle tail of a ×10 |\n"
            + "| --- | --- | --- | --- | --- | --- | --- |\n");
        void Row(string behaviour, string bursts, IReadOnlyCollection<Case> g) => sb.Append(
            CultureInfo.InvariantCulture,
            $"| {behaviour} | {bursts} | {g.Count} | {g.Count(c => c.Flagged)}/{g.Count} | "
            + $"{g.Count(c => c.SplunkFlagged)}/{g.Count} | {g.Count(c => c.BurstsLearned >= 1)} | "
            + $"{g.Max(c => c.OracleTail):G2} |\n");
        foreach (var g in cases.GroupBy(c => (c.Behaviour, c.Bursts)))
            Row(g.Key.Behaviour, g.Key.Bursts.ToString(CultureInfo.InvariantCulture), [.. g]);
        Row("all", "0", [.. cases.Where(c => c.Bursts == 0)]);
        Row("all", "1 or 2", [.. cases.Where(c => c.Bursts > 0)]);
        return sb.ToString();
    }
}
