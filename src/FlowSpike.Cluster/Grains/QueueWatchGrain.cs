using FlowSpike.Cluster.Wire;
using FlowSpike.Queue;

namespace FlowSpike.Cluster.Grains;

internal sealed class QueueWatchGrain(
    [PersistentState("queue-watch", ClusterNames.Storage)] IPersistentState<QueueWatchState> state,
    IClusterMembershipService membership,
    QueueMetrics metrics) : Grain, IQueueWatchGrain
{
    /// <summary>Rounds begun by this activation only count: after a move, what a silo had in flight is unknown.
    /// </summary>
    private readonly Guid _activation = Guid.NewGuid();
    private readonly Dictionary<SiloAddress, (bool InRound, long Drained)> _silos = [];
    private readonly Dictionary<long, long> _eligible = [];
    /// <summary>Eligible windows a round that began after they became eligible did not drain: they close
    /// late.</summary>
    private readonly HashSet<long> _late = [];
    private long _epoch;
    /// <summary>Until when messages a dead silo had in flight may still be invisible; then every silo must drain
    /// again.</summary>
    private DateTime? _inFlightUntil;
    private long _barrier;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // This grain may have moved from a silo that died with messages in flight: wait for them as for a dead silo's.
        if (state.State.Job is { } job)
            _inFlightUntil = DateTime.UtcNow.AddSeconds(job.VisibilitySeconds + Margin);
        return Task.CompletedTask;
    }

    /// <summary>Seconds added to a visibility timeout for clocks and the heartbeat's last extension.</summary>
    private const int Margin = 5;

    public async Task Start(QueueWatchMessage job, long open)
    {
        state.State.Job = job;
        state.State.LateBefore = Math.Max(state.State.LateBefore, open);
        await state.WriteStateAsync();
    }

    public async Task Stop()
    {
        if (state.State.Job is null)
            return;
        state.State.Job = null;
        await state.WriteStateAsync();
    }

    public Task<QueueRoundTicket?> BeginRound(SiloAddress silo)
    {
        if (state.State.Job is not { } job)
            return Task.FromResult<QueueRoundTicket?>(null);
        var seen = _silos.GetValueOrDefault(silo, (false, -1));
        _silos[silo] = (true, seen.Drained);
        return Task.FromResult<QueueRoundTicket?>(new QueueRoundTicket(job, state.State.LateBefore, _activation,
            _epoch));
    }

    public Task EndRound(SiloAddress silo, Guid activation, long epoch, bool drained)
    {
        if (activation != _activation || !_silos.TryGetValue(silo, out var seen))
            return Task.CompletedTask;
        _silos[silo] = (false, drained ? Math.Max(seen.Drained, epoch) : seen.Drained);
        if (!drained)
        {
            foreach (var (w, since) in _eligible)
            {
                if (since <= epoch)
                    _late.Add(w);
            }
        }
        return Task.CompletedTask;
    }

    public async Task<WindowClaim?> Claim(long window, long windowSeconds, long eligibleThrough, bool allowEmpty)
    {
        var s = state.State;
        // Claimed before (the coordinator repeats a call it lost): the same objects, sealed again.
        if (window < s.LateBefore)
            return await Seal(window, s.LateBefore);
        // Every window the clock allows now becomes eligible at one point in the order of events.
        long next = _epoch + 1;
        for (long w = window; w <= eligibleThrough; w += windowSeconds)
        {
            if (_eligible.TryAdd(w, next))
                _epoch = next;
        }
        // Just eligible (or not yet): the silos must drain after this first.
        if (!_eligible.TryGetValue(window, out long since) || since == next)
            return null;
        if (!await DrainedSince(since))
            return null;
        if (!allowEmpty)
        {
            var present = await Task.WhenAll(Partitions().Select(p => p.Present(window)));
            if (present.Sum() == 0)
                return new WindowClaim([], 0);
        }
        s.LateBefore = window + windowSeconds;
        await state.WriteStateAsync();
        _eligible.Remove(window);
        // Counted on the silo that hosts this grain: summed over the silos, each late close counts once.
        if (_late.Remove(window))
            metrics.WindowClosedLate();
        return await Seal(window, s.LateBefore);
    }

    /// <summary>Every partition takes no more records for the window; their tasks and records together.</summary>
    private async Task<WindowClaim> Seal(long window, long lateBefore)
    {
        var parts = await Task.WhenAll(Partitions().Select(p => p.Seal(window, lateBefore)));
        return new WindowClaim([.. parts.SelectMany(p => p.TaskIds).Order(StringComparer.Ordinal)],
            parts.Sum(p => p.Records));
    }

    public async Task Closed(long window)
    {
        // Rows stay while a redelivery within the lateness of the close may come; later ones count as late.
        long pruneBefore = window - (state.State.Job?.LatenessSeconds ?? 0);
        await Task.WhenAll(Partitions().Select(p => p.Closed(window, pruneBefore)));
    }

    private IObjectLedgerGrain[] Partitions() =>
        LedgerPartitions.All(GrainFactory, this.GetPrimaryKeyString());

    public Task<long> Mark() => Task.FromResult(++_epoch);

    public Task<bool> DrainedSince(long mark)
    {
        var snapshot = membership.CurrentSnapshot;
        foreach (var (silo, seen) in _silos.ToList())
        {
            if (snapshot.GetSiloStatus(silo) == SiloStatus.Active)
                continue;
            _silos.Remove(silo);
            // Its messages in flight come back once their visibility lapses (the heartbeat stopped with it).
            if (seen.InRound && state.State.Job is { } job)
            {
                var until = DateTime.UtcNow.AddSeconds(job.VisibilitySeconds + Margin);
                _inFlightUntil = _inFlightUntil is { } h && h > until ? h : until;
            }
        }
        if (_inFlightUntil is { } lapse)
        {
            if (DateTime.UtcNow < lapse)
                return Task.FromResult(false);
            _inFlightUntil = null;
            _barrier = ++_epoch;
        }
        long need = Math.Max(mark, _barrier);
        var live = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress)
            .ToList();
        bool drained = live.Count > 0 && live.All(silo =>
            _silos.TryGetValue(silo, out var seen) && seen.Drained >= need);
        return Task.FromResult(drained);
    }

    public async Task<Dictionary<long, long>> Late()
    {
        var late = new Dictionary<long, long>();
        foreach (var part in await Task.WhenAll(Partitions().Select(p => p.Late())))
        {
            foreach (var (w, n) in part)
                late[w] = late.GetValueOrDefault(w) + n;
        }
        return late;
    }
}
