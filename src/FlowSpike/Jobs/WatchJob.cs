using FlowSpike.Delivery;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Watch;

namespace FlowSpike.Jobs;

/// <summary>A watch job, checked: what to follow, the request (window, lateness, policy) and where alerts go.</summary>
internal sealed record WatchJob : AlertingJob
{
    public required WatchRequest Request { get; init; }
    /// <summary>The SQS queue of S3 notifications to consume, when watch runs in queue mode.</summary>
    public Queue.QueueRequest? Queue { get; init; }

    protected override string Model => Request.Policy.Model;

    /// <summary>The job the settings describe, with the config file and the model's defaults; refused if bad. On a
    /// cluster the state is a name, not a file, so it is not checked against the inputs.</summary>
    public static WatchJob Resolve(JobSettings settings, FlowSpikeConfig? config = null, bool onCluster = false)
    {
        config ??= new FlowSpikeConfig();
        string model = JobResolver.Model(settings);
        var queue = QueueSettings.Resolve(settings);
        long lateness = settings.LatenessSeconds
            ?? (queue is null ? JobDefaults.LatenessSeconds : FlowSpike.Queue.QueueRequest.DefaultLatenessSeconds);
        if (lateness < 0)
        {
            throw new RunException($"{Setting.Name(nameof(JobSettings.LatenessSeconds))} must not be negative " +
                $"(got {lateness}s)");
        }
        long poll = JobResolver.Size(settings.PollIntervalSeconds, JobDefaults.PollIntervalSeconds,
            nameof(JobSettings.PollIntervalSeconds));
        var job = new WatchJob
        {
            Input = JobResolver.Input(settings, config, model, requireInputs: queue is null),
            Queue = queue,
            Request = new WatchRequest
            {
                WindowSeconds = JobResolver.Size(settings.WindowSeconds, JobDefaults.WindowSeconds,
                    nameof(JobSettings.WindowSeconds)),
                LatenessSeconds = lateness,
                PollInterval = TimeSpan.FromSeconds(poll),
                From = settings.From,
                ClockFile = settings.Clock,
                Once = settings.Once ?? false,
                AllowEmptyWindows = settings.AllowEmptyWindows ?? false,
                StaleAfterSeconds = (settings.StaleAfterSeconds ?? JobDefaults.StaleAfterSeconds) is > 0 and var stale
                    ? stale
                    : null,
                Policy = JobResolver.Policy(settings, config, model),
            },
        };
        return Resolved(job, settings, config, onCluster);
    }

    /// <summary>Follows the inputs until <paramref name="stop"/> (or once, with Once); returns the alert deliveries
    /// still held.</summary>
    public int Run(IStateStore store, AlertDispatcher dispatcher, IRunLog log, WatchMetrics metrics,
        CancellationToken stop)
    {
        if (Queue is null)
            return WatchRun.Execute(store, Input, Request, dispatcher, log, metrics, stop);
        using var queueMetrics = new FlowSpike.Queue.QueueMetrics();
        return FlowSpike.Queue.QueueWatchRun.Execute(store, Input, Request, Queue, dispatcher, log, metrics,
            queueMetrics, stop);
    }

    /// <summary>
    /// Opens the state once it has a baseline to run on. A daemon (not Once, no From) over a state with no committed
    /// window waits for one, with the state closed so a baseline job can write it, and says once what it waits for;
    /// null when stopped while waiting. Everything else opens at once (and FirstOpenWindow refuses what cannot run).
    /// </summary>
    public SqliteStateStore? OpenWhenBaselined(IRunLog log, WatchMetrics metrics, CancellationToken stop)
    {
        string? told = null;
        while (true)
        {
            SqliteStateStore? store = null;
            string waiting;
            try
            {
                store = OpenState();
                if (Request.Once || Request.From is not null || store.Info.CommittedUntil is not null)
                {
                    metrics.Waiting(null);
                    return store;
                }
                waiting = $"{State}: " + Scoring.NoCommittedWindow(Request.Policy);
            }
            catch (StateException e) when (e.InUse && !Request.Once)
            {
                waiting = e.Message;
            }
            store?.Dispose();
            metrics.Waiting("waiting for a baseline: " + waiting);
            if (told != waiting)
                log.Warn($"{waiting}; waiting (looking again every {Request.PollInterval.TotalSeconds:0}s)");
            told = waiting;
            if (stop.WaitHandle.WaitOne(Request.PollInterval))
                return null;
        }
    }
}
