namespace FlowSpike.Cluster;

/// <summary>
/// Counts silos leaving the cluster. Orleans does not fail a call that is in flight to a silo when that silo is killed:
/// the caller waits for the response timeout. The coordinator instead abandons and repeats such calls as soon as a
/// silo is declared dead (every FlowSpike call is idempotent), so a lost silo costs seconds, not minutes.
/// </summary>
internal sealed class MembershipWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _departures;

    public MembershipWatch(IGrainFactory grains, TimeSpan interval)
    {
        _loop = Task.Run(() => Loop(grains.GetGrain<IManagementGrain>(0), interval, _stop.Token));
    }

    public int Departures => Volatile.Read(ref _departures);

    private async Task Loop(IManagementGrain management, TimeSpan interval, CancellationToken stop)
    {
        HashSet<SiloAddress>? last = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var now = (await management.GetHosts(onlyActive: true)).Keys.ToHashSet();
                if (last is not null && last.Any(s => !now.Contains(s)))
                    Interlocked.Increment(ref _departures);
                last = now;
            }
            catch (Exception e) when (ClusterRetry.IsTransient(e))
            {
                // The management grain's silo may be the one that died; ask again next time.
            }
            try
            {
                await Task.Delay(interval, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
