using FlowSpike.Cluster.Wire;

namespace FlowSpike.Cluster.Grains;

internal sealed class ScanQueueGrain(
    [PersistentState("queue", ClusterNames.Storage)] IPersistentState<ScanQueueState> state,
    IClusterMembershipService membership) : Grain, IScanQueueGrain
{
    /// <summary>A lease this old is offered again even if its silo looks alive (a stuck worker must not stall the
    /// run).</summary>
    private static readonly TimeSpan LeaseLimit = TimeSpan.FromMinutes(10);

    /// <summary>A queue whose coordinator has not asked for its status this long was abandoned: it leaves the
    /// registry.</summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    private DateTime _lastStatus = DateTime.UtcNow;

    private readonly Dictionary<string, ScanReport> _done = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (SiloAddress Silo, DateTime At)> _leases = new(StringComparer.Ordinal);
    private int _next;
    private string? _error;

    public async Task Enqueue(ScanMessage job, ScanTask[] tasks)
    {
        if (state.State.Job is not null)
            return;
        state.State.Job = job;
        state.State.Tasks = tasks;
        await state.WriteStateAsync();
    }

    public async Task<ScanLease?> Take(SiloAddress silo, int max)
    {
        if (DateTime.UtcNow - _lastStatus > AbandonedAfter)
        {
            // Its coordinator is gone; a rerun makes a new queue (and finds the finished tasks' results stored).
            await GrainFactory.GetGrain<IScanRegistryGrain>(ClusterNames.Registry).Closed(this.GetPrimaryKeyString());
            return null;
        }
        if (state.State.Job is not { } job || max < 1 || _error is not null)
            return null;
        Reclaim();
        var taken = new List<ScanTask>(max);
        var tasks = state.State.Tasks;
        // One pass from where the last one stopped: tasks are handed out in order (largest first).
        for (int seen = 0; seen < tasks.Length && taken.Count < max; seen++)
        {
            var task = tasks[(_next + seen) % tasks.Length];
            if (_done.ContainsKey(task.Id) || _leases.ContainsKey(task.Id))
                continue;
            _leases[task.Id] = (silo, DateTime.UtcNow);
            taken.Add(task);
        }
        if (taken.Count > 0)
            _next = (Array.IndexOf(tasks, taken[^1]) + 1) % tasks.Length;
        return taken.Count == 0 ? null : new ScanLease(job, [.. taken]);
    }

    public Task Complete(string taskId, ScanReport report)
    {
        _done[taskId] = report;
        _leases.Remove(taskId);
        return Task.CompletedTask;
    }

    public Task Fail(string taskId, string error)
    {
        _error ??= error;
        _leases.Remove(taskId);
        return Task.CompletedTask;
    }

    public Task<QueueStatus> Status()
    {
        _lastStatus = DateTime.UtcNow;
        Reclaim();
        return Task.FromResult(new QueueStatus(state.State.Tasks.Length, _done.Count, _leases.Count, _error));
    }

    public Task<ScanReport[]> Reports() => Task.FromResult(_done.Values.ToArray());

    public async Task Close()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }

    /// <summary>Leases taken by silos that are no longer active go back to the queue.</summary>
    private void Reclaim()
    {
        var snapshot = membership.CurrentSnapshot;
        foreach (var (id, lease) in _leases.ToList())
        {
            if (snapshot.GetSiloStatus(lease.Silo) != SiloStatus.Active || DateTime.UtcNow - lease.At > LeaseLimit)
            {
                _leases.Remove(id);
                _next = 0;
            }
        }
    }
}
