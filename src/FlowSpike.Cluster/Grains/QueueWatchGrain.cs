using FlowSpike.Cluster.Wire;
using FlowSpike.State;

namespace FlowSpike.Cluster.Grains;

public sealed class QueueWatchGrain(
    [PersistentState("queue-watch", ClusterNames.Storage)] IPersistentState<QueueWatchState> state,
    IClusterMembershipService membership) : Grain, IQueueWatchGrain
{
    /// <summary>Rounds begun by this activation only count: after a move, what a silo held is unknown.</summary>
    private readonly Guid _activation = Guid.NewGuid();
    private readonly Dictionary<SiloAddress, (bool InRound, long Drained)> _silos = [];
    private readonly Dictionary<long, long> _eligible = [];
    private long _epoch;
    /// <summary>Until when messages a dead silo held may still be invisible; then every silo must drain
    /// again.</summary>
    private DateTime? _heldUntil;
    private long _barrier;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // This grain may have moved from a silo that died holding messages: wait for them as for a dead silo's.
        if (state.State.Job is { } job)
            _heldUntil = DateTime.UtcNow.AddSeconds(job.VisibilitySeconds + Margin);
        return Task.CompletedTask;
    }

    /// <summary>Seconds added to a visibility timeout for clocks and the heartbeat's last extension.</summary>
    private const int Margin = 5;

    public async Task Start(QueueWatchJob job, long open)
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
        if (activation == _activation && _silos.TryGetValue(silo, out var seen))
            _silos[silo] = (false, drained ? Math.Max(seen.Drained, epoch) : seen.Drained);
        return Task.CompletedTask;
    }

    public Task<LedgerRow?> Find(string path) => Task.FromResult(state.State.Ledger.GetValueOrDefault(path));

    public async Task RecordFailure(LedgerRow row)
    {
        if (state.State.Ledger.TryGetValue(row.Path, out var seen) && seen.Status != LedgerEntry.Failed)
            return;
        state.State.Ledger[row.Path] = row;
        await state.WriteStateAsync();
    }

    public async Task<bool> Commit(LedgerRow row, string taskId, Dictionary<long, long> recordsByWindow)
    {
        if (state.State.Ledger.TryGetValue(row.Path, out var seen) && seen.Status != LedgerEntry.Failed)
            return false;
        long late = 0;
        foreach (var (w, n) in recordsByWindow)
        {
            if (w < state.State.LateBefore)
            {
                late += n;
                state.State.Late[w] = state.State.Late.GetValueOrDefault(w) + n;
                continue;
            }
            if (!state.State.Tasks.TryGetValue(w, out var tasks))
                state.State.Tasks[w] = tasks = [];
            if (!tasks.Contains(taskId))
                tasks.Add(taskId);
            state.State.Present[w] = state.State.Present.GetValueOrDefault(w) + n;
        }
        state.State.Ledger[row.Path] = row with { Late = row.Late + late };
        await state.WriteStateAsync();
        return true;
    }

    public async Task<WindowClaim?> Claim(long window, long windowSeconds, long eligibleThrough, bool allowEmpty)
    {
        var s = state.State;
        // Claimed before (the coordinator repeats a call it lost): the same objects.
        if (window < s.LateBefore)
            return new WindowClaim([.. s.Tasks.GetValueOrDefault(window) ?? []], s.Present.GetValueOrDefault(window));
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
        long records = s.Present.GetValueOrDefault(window);
        if (records == 0 && !allowEmpty)
            return new WindowClaim([], 0);
        s.LateBefore = window + windowSeconds;
        await state.WriteStateAsync();
        _eligible.Remove(window);
        return new WindowClaim([.. s.Tasks.GetValueOrDefault(window) ?? []], records);
    }

    public async Task Closed(long window)
    {
        if (!state.State.Tasks.Remove(window) & !state.State.Present.Remove(window))
            return;
        await state.WriteStateAsync();
    }

    public Task<long> Mark() => Task.FromResult(++_epoch);

    public Task<bool> DrainedSince(long mark)
    {
        var snapshot = membership.CurrentSnapshot;
        foreach (var (silo, seen) in _silos.ToList())
        {
            if (snapshot.GetSiloStatus(silo) == SiloStatus.Active)
                continue;
            _silos.Remove(silo);
            // Its held messages come back once their visibility lapses (the heartbeat stopped with it).
            if (seen.InRound && state.State.Job is { } job)
            {
                var until = DateTime.UtcNow.AddSeconds(job.VisibilitySeconds + Margin);
                _heldUntil = _heldUntil is { } h && h > until ? h : until;
            }
        }
        if (_heldUntil is { } held)
        {
            if (DateTime.UtcNow < held)
                return Task.FromResult(false);
            _heldUntil = null;
            _barrier = ++_epoch;
        }
        long need = Math.Max(mark, _barrier);
        var live = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress)
            .ToList();
        bool drained = live.Count > 0 && live.All(silo =>
            _silos.TryGetValue(silo, out var seen) && seen.Drained >= need);
        return Task.FromResult(drained);
    }

    public Task<Dictionary<long, long>> Late() => Task.FromResult(new Dictionary<long, long>(state.State.Late));
}
