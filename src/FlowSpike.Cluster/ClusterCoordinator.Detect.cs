using System.Diagnostics;
using FlowSpike.Cluster.Wire;
using FlowSpike.Delivery;
using FlowSpike.Runs;
using FlowSpike.State;

namespace FlowSpike.Cluster;

internal sealed partial class ClusterCoordinator
{
    private IRunLog Log => log;

    private string StateName => stateName;

    /// <summary>
    /// Detects over the request's range with the local command's sequence (<see cref="DetectSequence"/>). Each
    /// window's alerts are recorded in the state grain's outbox in the same write that marks the window closed;
    /// <paramref name="dispatcher"/> then delivers from that outbox, so a sink outage only holds alerts until a later
    /// run, whatever window that run starts at.
    /// </summary>
    public async Task<ClusterRunResult> DetectAsync(InputOptions input, DetectRequest request,
        AlertDispatcher dispatcher, CancellationToken cancellation = default)
    {
        await using var watch = new MembershipWatch(grains, TimeSpan.FromSeconds(1));
        _watch = watch;
        var path = new ClusterPath(this, input, request, dispatcher);
        var outcome = await DetectSequence.RunAsync(path, request, dispatcher, log, cancellation);
        return (path.Scan ?? new ClusterRunResult()) with
        {
            ShardTime = path.Clock.Elapsed,
            WindowsClosed = outcome.WindowsClosed,
            WindowsSkipped = outcome.WindowsSkipped,
            Alerts = outcome.Tally.Alerts,
            Allowlisted = outcome.Tally.Allowlisted,
            Suppressed = outcome.Tally.Suppressed,
            Held = outcome.Held,
        };
    }

    /// <summary>The cluster's part of the detect sequence: the state grain, scan tasks on every silo, and the
    /// shards closing each window.</summary>
    private sealed class ClusterPath(ClusterCoordinator coordinator, InputOptions input, DetectRequest request,
        AlertDispatcher dispatcher) : IDetectPath
    {
        private StateMeta? _meta;
        private List<ScanTask> _tasks = [];
        private DetectMessage? _detect;
        private int _shards;

        public IOutbox Outbox { get; } = new ClusterOutbox(coordinator.StateGrain, coordinator.Log, coordinator._watch);

        public ClusterRunResult? Scan { get; private set; }

        public Stopwatch Clock { get; } = new();

        public async Task<DetectPlanInput> ReadStateAsync(DetectRequest _, CancellationToken cancellation)
        {
            string model = request.Policy.Model;
            var meta = _meta = await coordinator.StateGrain.Get();
            if (meta.Model is { } stored && !string.Equals(stored, model, StringComparison.Ordinal))
                throw new RunException($"cluster state '{coordinator.StateName}': the state was built with model " +
                    $"'{stored}', not '{model}'; use a separate state per model");
            return new DetectPlanInput(meta.Closed.Contains, meta.CommittedUntil, meta.BaselineSpanSeconds);
        }

        public async Task<IReadOnlyDictionary<long, long>> ScanAsync(long from, long to,
            CancellationToken cancellation)
        {
            var meta = _meta!;
            if (meta.Model is null)
                coordinator.Log.Warn("the state has no baseline; hosts are only scored once a baseline seeds them " +
                    "(run `flowspike cluster baseline` first)");
            _shards = coordinator.ShardCount(meta);
            var job = ScanMessages.From(input, from, to, request.WindowSeconds, keepDetails: true, _shards,
                coordinator.EntityOf(meta, request.Policy.Model));
            (_tasks, var scan) = await coordinator.ScanAsync(input, job, cancellation);
            Scan = scan;
            _detect = new DetectMessage
            {
                RunId = Guid.NewGuid().ToString("N"),
                WindowSeconds = job.WindowSeconds,
                TaskIds = [.. _tasks.Select(t => t.Id)],
                Entity = job.Entity,
                Policy = request.Policy,
            };
            Clock.Start();
            return coordinator._present;
        }

        public async Task<WindowTally> CloseWindowAsync(long window, CancellationToken cancellation) =>
            (await coordinator.CloseWindowAsync(_detect!, window, _shards, _meta!, dispatcher,
                (ClusterOutbox)Outbox, cancellation)).Tally;

        public async Task<string> FinishAsync()
        {
            Clock.Stop();
            await coordinator.ForgetAsync(_tasks);
            return $"; {_shards} shards closed the windows in {Clock.Elapsed.TotalSeconds:F2} s";
        }
    }
}
