using System.Diagnostics;
using FlowSpike.Alerts;
using FlowSpike.Cluster.Grains;
using FlowSpike.Cluster.Wire;
using FlowSpike.Delivery;
using FlowSpike.Jobs;
using FlowSpike.Models;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.Selection;
using FlowSpike.State;
using FlowSpike.Time;

namespace FlowSpike.Cluster;

/// <summary>
/// Runs baseline and detect on a cluster with the local commands' semantics: inputs become scan tasks that the workers
/// on every silo pull from a queue, the results go to the shard grains that hold the baselines, and the coordinator
/// closes each window in time
/// order, delivering its alerts before it records the window as closed. Every step is idempotent, so a call that
/// failed because a silo died is simply repeated.
/// </summary>
internal sealed partial class ClusterCoordinator(IGrainFactory grains, string stateName, IRunLog log)
{
    /// <summary>Shards of a new state; an existing state keeps its count.</summary>
    public int Shards { get; init; } = ClusterNames.DefaultShards;

    /// <summary>The entity keying asked for (--entity); null keeps the state's, or the model's default for a new
    /// state.</summary>
    public EntityKind? Entity { get; init; }

    /// <summary>The state's entity keying: as a local state, it is fixed by its first baseline and refused if asked
    /// otherwise.</summary>
    private EntityKind EntityOf(StateMeta meta, string model)
    {
        if (meta.Entity is { } stored)
        {
            if (!EntityRegistry.TryParseKind(stored, out var kind))
                throw new RunException($"cluster state '{stateName}': unknown entity keying '{stored}'");
            if (Entity is { } wanted && wanted != kind)
                throw new RunException($"cluster state '{stateName}': the state keys baselines by '{stored}', not " +
                    $"'{EntityRegistry.NameOf(wanted)}'; use a separate state per entity");
            return kind;
        }
        return Entity ?? SpikeModels.DefaultEntity(model);
    }

    /// <summary>A baseline job (<see cref="BaselineJob"/>) on the cluster, as the local command runs it.</summary>
    public Task<ClusterRunResult> BaselineAsync(BaselineJob job, CancellationToken cancellation = default) =>
        BaselineAsync(job.Input, job.From, job.To, job.SpanSeconds, job.Model, cancellation, job.Rules, job.AllowEmpty);

    /// <summary>A detect job (<see cref="DetectJob"/>) on the cluster, delivering through the job's
    /// sinks.</summary>
    public Task<ClusterRunResult> DetectAsync(DetectJob job, AlertDispatcher dispatcher,
        CancellationToken cancellation = default) =>
        DetectAsync(job.Input, job.Request, dispatcher, cancellation);

    public async Task<ClusterRunResult> BaselineAsync(InputOptions input, long from, long to, long spanSeconds,
        string model, CancellationToken cancellation = default, RecommendedSettings? rules = null,
        bool allowEmpty = false)
    {
        RangeCheck.Validate(from, to, spanSeconds, "SpanSeconds");
        await using var watch = new MembershipWatch(grains, TimeSpan.FromSeconds(1));
        _watch = watch;
        var meta = await StateGrain.Get();
        int shards = ShardCount(meta);
        var entity = EntityOf(meta, model);
        var job = ScanMessages.From(input, from, to, spanSeconds, keepDetails: false, shards, entity);
        var (tasks, scan) = await ScanAsync(input, job, cancellation);
        // As the local baseline: no blocked outbound record at all is a wrong range, --internal or --log-format, and
        // committing it would replace the shards' baselines with nothing.
        if (scan.Counted == 0 && !allowEmpty)
        {
            await ForgetAsync(tasks);
            throw new RunException(BaselineRun.NothingSelected(from, to, $"{scan.Lines} line(s) read"));
        }
        var clock = Stopwatch.StartNew();
        var baseline = new BaselineMessage
        {
            RunId = Guid.NewGuid().ToString("N"),
            From = from,
            To = to,
            SpanSeconds = spanSeconds,
            Policy = new AlertPolicy { Model = model, Rules = rules },
            TaskIds = [.. tasks.Select(t => t.Id)],
            Entity = job.Entity,
        };
        var hosts = await Task.WhenAll(Enumerable.Range(0, shards).Select(s =>
            ClusterRetry.Run(() => Shard(s).Baseline(baseline), $"baseline of shard {s}", log, cancellation, _watch)));
        await ClusterRetry.Run(() => StateGrain.Baselined(model, job.Entity, shards, from, to, spanSeconds),
            "state record", log, cancellation, _watch);
        await ForgetAsync(tasks);
        log.Info($"baseline: {hosts.Sum()} hosts over {shards} shards in {TimeRange.Format(from)} .. " +
            $"{TimeRange.Format(to)} (shards took {clock.Elapsed.TotalSeconds:F2} s); committed mark set to " +
            $"{TimeRange.Format(to)}");
        return scan with { ShardTime = clock.Elapsed, Hosts = hosts.Sum() };
    }

    /// <summary>Detects with these sinks, which the caller disposes.</summary>
    public Task<ClusterRunResult> DetectAsync(InputOptions input, DetectRequest request,
        IReadOnlyList<IAlertSink> sinks,
        CancellationToken cancellation = default) =>
        DetectAsync(input, request, new AlertDispatcher(sinks, log), cancellation);

    /// <summary>
    /// Closes one window on every shard with the local step, records it closed with its alerts in the outbox in one
    /// write, and delivers from the outbox: the same for detect and watch. Every call in it is idempotent.
    /// </summary>
    private async Task<(WindowTally Tally, int Active)> CloseWindowAsync(DetectMessage detect, long w,
        int shards, StateMeta meta, AlertDispatcher dispatcher, ClusterOutbox outbox, CancellationToken cancellation)
    {
        var policy = detect.Policy;
        long size = detect.WindowSeconds;
        var parts = await Task.WhenAll(Enumerable.Range(0, shards).Select(s =>
            ClusterRetry.Run(() => Shard(s).CloseWindow(detect, w), $"window {TimeRange.Format(w)} on shard {s}",
                log, cancellation, _watch)));
        // The local step sorts a window's alerts by host; the shards' alerts merge into that order.
        IReadOnlyList<Alert> merged = [.. parts.SelectMany(p => p.Alerts).Select(AlertJson.Parse).OrderBy(a =>
            a.Host, StringComparer.Ordinal)];
        var alerting = parts.SelectMany(p => p.AlertAccounts)
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        if (policy.Rollout is not null)
        {
            // An alert's accounts do not travel in its JSON; the shards report them beside it, by host.
            merged = [.. merged.Select(a => alerting.TryGetValue(a.Host,
                out var accounts) ? a with { Accounts = accounts } : a)];
        }
        var closed = WindowClose.Close(merged, policy, () => ActiveByAccount(parts), Quiet(meta));
        var entries = ClusterOutbox.Entries(closed.Outbox, dispatcher.Names);
        var marks = new Dictionary<string, long>(closed.Marks, StringComparer.Ordinal);
        await ClusterRetry.Run(() => StateGrain.Closed(w, size, marks, entries), "state record", log, cancellation,
            _watch);
        foreach (var (key, until) in marks)
            meta.Quiet[key] = until;
        await Task.Run(() => dispatcher.DeliverOutbox(outbox), cancellation);
        return (new WindowTally(closed.Outbox.Count, parts.Sum(p => p.Allowlisted), closed.Suppressed.Count),
            parts.Sum(p => p.ActiveSources));
    }

    /// <summary>
    /// Every shard's rows: the lookup, as <c>lookup export</c> writes it. Hosts beyond IPv4 sources are numbered afresh
    /// in the returned registry (each shard numbers its own), which names them for <see cref="LookupCsv.Write"/>.
    /// </summary>
    public async Task<(IReadOnlyList<BaselineRow> Rows,
        EntityRegistry Names)> LookupAsync(CancellationToken cancellation = default)
    {
        var meta = await StateGrain.Get();
        var names = new EntityRegistry(meta.Entity is { } e && EntityRegistry.TryParseKind(e,
            out var kind) ? kind : EntityKind.SrcIp);
        if (meta.Shards == 0)
            return ([], names);
        var parts = await Task.WhenAll(Enumerable.Range(0, meta.Shards).Select(s =>
            ClusterRetry.Run(() => Shard(s).Rows(), $"rows of shard {s}", log, cancellation, _watch)));
        var rows = parts.SelectMany(p => p).OrderBy(r => r.Name ?? "", StringComparer.Ordinal)
            .Select(r => r.Name is null ? r.ToRow() : r.ToRow() with { Src = names.GetOrAdd(r.Name) }).ToList();
        return (rows, names);
    }

    private MembershipWatch? _watch;

    /// <summary>Flow-log records of any kind per window, from the last scan's reports.</summary>
    private Dictionary<long, long> _present = [];

    /// <summary>Active hosts per account over every shard: shards count disjoint hosts, so the counts add up.</summary>
    private static Dictionary<string, int> ActiveByAccount(WindowShardResult[] parts)
    {
        var active = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (account, n) in parts.SelectMany(p => p.ActiveByAccount))
            active[account] = active.GetValueOrDefault(account) + n;
        return active;
    }

    private static Func<IReadOnlyCollection<string>, IReadOnlyDictionary<string, long>> Quiet(StateMeta meta) => keys =>
        keys.Where(meta.Quiet.ContainsKey).Distinct(StringComparer.Ordinal)
            .ToDictionary(k => k, k => meta.Quiet[k], StringComparer.Ordinal);

    private IStateGrain StateGrain => grains.GetGrain<IStateGrain>(stateName);

    private IShardGrain Shard(int shard) => grains.GetGrain<IShardGrain>($"{stateName}/{shard}");

    private int ShardCount(StateMeta meta)
    {
        if (meta.Shards > 0 && Shards != meta.Shards && Shards != ClusterNames.DefaultShards)
            throw new RunException($"cluster state '{stateName}' has {meta.Shards} shards; " +
                $"{Setting.Name(nameof(Shards))} " +
                $"{Shards} cannot change that");
        return meta.Shards > 0 ? meta.Shards : Shards;
    }

    private async Task<(List<ScanTask> Tasks, ClusterRunResult Result)> ScanAsync(InputOptions input, ScanMessage job,
        CancellationToken cancellation)
    {
        if (input.Inputs.Contains("-"))
            throw new RunException($"{Setting.Name(nameof(JobSettings.Inputs))} -: standard input cannot be " +
                $"scanned on a cluster; give " +
                $"files, folders or s3:// prefixes");
        var files = InputSet.Expand(input.Inputs, job.From, job.To, input.S3, logs: input.Logs);
        var tasks = files.Select(f => new ScanTask(ScanMessages.TaskId(job, f), f.Path,
            f.Length)).DistinctBy(t => t.Id).ToList();
        // Large objects first, so one big object does not start last and leave the other silos idle.
        tasks.Sort((a, b) => b.Length.CompareTo(a.Length));
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        int silos = hosts.Count;
        log.Info($"scanning {tasks.Count} object(s) on {silos} silo(s)");
        var clock = Stopwatch.StartNew();
        // The workers on every silo pull from this queue; the coordinator only waits for it to drain.
        string queueId = Guid.NewGuid().ToString("N");
        var queue = grains.GetGrain<IScanQueueGrain>(queueId);
        var registry = grains.GetGrain<IScanRegistryGrain>(ClusterNames.Registry);
        await ClusterRetry.Run(() => queue.Enqueue(job, [.. tasks]), "scan queue", log, cancellation, _watch);
        await ClusterRetry.Run(() => registry.Open(queueId), "scan registry", log, cancellation, _watch);
        ScanReport[] reports;
        try
        {
            while (true)
            {
                var status = await ClusterRetry.Run(() => queue.Status(), "scan queue", log, cancellation, _watch);
                if (status.Error is { } error)
                    throw new RunException(error);
                if (status.Done >= status.Total)
                    break;
                await Task.Delay(50, cancellation);
            }
            reports = await ClusterRetry.Run(() => queue.Reports(), "scan queue", log, cancellation, _watch);
            _present = [];
            foreach (var (w, n) in reports.SelectMany(r => r.RecordsByWindow ?? []))
                _present[w] = _present.GetValueOrDefault(w) + n;
        }
        finally
        {
            await ClusterRetry.Run(() => registry.Closed(queueId), "scan registry", log, CancellationToken.None,
                _watch);
            await ClusterRetry.Run(() => queue.Close(), "scan queue", log, CancellationToken.None, _watch);
        }
        var elapsed = clock.Elapsed;
        long bytes = reports.Sum(r => r.Bytes), lines = reports.Sum(r => r.Lines), counted = reports.Sum(r =>
            r.Counted), malformed = reports.Sum(r => r.Malformed);
        double seconds = Math.Max(elapsed.TotalSeconds, 1e-6);
        var perSilo = reports.GroupBy(r => r.Silo).Select(g => $"{g.Count()} on {g.Key}").Order(StringComparer.Ordinal);
        log.Info($"scanned {tasks.Count} file(s), {lines} line(s) in {seconds:F2} s ({bytes / 1e6 / seconds:F0} MB/s " +
            $"of input); {counted} blocked outbound record(s) counted; tasks: {string.Join(", ", perSilo)}");
        RunReport.Skipped([.. reports.SelectMany(r => r.Skipped ?? [])
            .Select(k => new Records.SkippedObject(k.Source, k.Reason, k.Message))], log);
        // As a local run: some object must hold flow-log records.
        if (reports.Sum(r => r.Parsed) == 0 && tasks.Count > 0)
        {
            throw new Records.FlowInputException($"{string.Join(", ", input.Inputs)} ({tasks.Count} object(s)): " +
                "no flow-log records");
        }
        if (malformed > 0)
        {
            log.Warn($"{malformed} malformed line(s) skipped; first ones:");
            foreach (string s in reports.SelectMany(r =>
                r.MalformedSamples).Take(Aggregation.ScanDiagnostics.MaxSamples))
                log.Warn("  " + s);
        }
        return (tasks, new ClusterRunResult
        {
            Tasks = tasks.Count,
            Bytes = bytes,
            Lines = lines,
            Counted = counted,
            Silos = silos,
            ScanTime = elapsed
        });
    }

    /// <summary>Task results are only needed until the shards have taken them; losing this cleanup costs storage, not
    /// correctness.</summary>
    private async Task ForgetAsync(List<ScanTask> tasks)
    {
        try
        {
            foreach (var batch in tasks.Chunk(256))
                await Task.WhenAll(batch.Select(t => grains.GetGrain<IScanTaskGrain>(t.Id).Forget()));
        }
        catch (Exception e) when (ClusterRetry.IsTransient(e))
        {
            log.Warn($"could not drop every scan task's stored result ({e.GetType().Name}); they only use storage");
        }
    }
}
