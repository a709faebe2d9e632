namespace FlowSpike.Synth;

/// <summary>Plans the injected spikes of a run: distinct hosts first, each on its own (host, hour) in the detect
/// period, with a burst of extra blocked records to a few C2-like destinations.</summary>
internal static class SynthSpikePlanner
{
    private static readonly int[] C2Ports = [443, 8443, 4444, 8080, 53, 1337, 6667, 9001, 2222, 80];

    /// <summary>The spikes of a run of <paramref name="plannedHours"/> hours, in planning order.</summary>
    public static List<SynthSpikePlan> Plan(SynthOptions options, List<SynthHost> hosts, int plannedHours)
    {
        var plans = new List<SynthSpikePlan>();
        if (options.Spikes == 0)
        {
            return plans;
        }

        var rng = new Random(SynthMath.MixSeed(options.Seed, 3, 0));
        var first = options.SpikeFromDay * 24;

        // A sized run that would end before the detect period is extended by a day to hold the spikes.
        var end = Math.Max(plannedHours, first + 24);
        var order = Enumerable.Range(0, hosts.Count).ToArray();
        rng.Shuffle(order);

        var used = new HashSet<(int, int)>();
        for (var i = 0; i < options.Spikes; i++)
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
        }

        return plans;
    }
}
