using System.Globalization;
using System.IO.Compression;

namespace FlowSpike.Synth;

/// <summary>One generator run: plans the spikes, then writes hour after hour, account by account.</summary>
internal sealed class SynthRun
{
    private const string FlowLogId = "fl-0a1b2c3d4e5f6a7b8";
    private const string Region = "us-east-1";

    // Schedule entries are (index << 2) | kind.
    private const int KindBlocked = 0;
    private const int KindNoise = 1;
    private const int KindSpike = 2;

    private readonly SynthOptions _options;
    private readonly SynthWorld _world;
    private readonly string _outDir;
    private readonly FlowLineWriter _writer;
    private readonly SynthRecordFiller _filler;
    private readonly long _startEpoch;
    private readonly int _startHourOfDay;
    private readonly Dictionary<int, List<SynthSpikePlan>> _spikesByHour = [];
    private readonly List<SynthSpikePlan> _hourSpikes = [];
    private int[] _schedule = new int[4096];
    private int _count;
    private int _files;
    private readonly HashSet<string> _directories = [];

    public SynthRun(SynthOptions options, SynthWorld world, string outDir)
    {
        _options = options;
        _world = world;
        _outDir = outDir;
        _writer = new FlowLineWriter(world.Fields, world.Version);
        _filler = new SynthRecordFiller(world, options.RejectShare);
        _startEpoch = options.Start.ToUnixTimeSeconds();
        _startHourOfDay = options.Start.UtcDateTime.Hour;
    }

    public SynthResult Execute()
    {
        var target = _options.TargetBytes;
        var plannedHours = target is { } bytes ? EstimateHours(bytes) : _options.Days * 24;
        var spikes = SynthSpikePlanner.Plan(_options, _world.Hosts, plannedHours);
        foreach (var plan in spikes)
        {
            if (!_spikesByHour.TryGetValue(plan.Hour, out var list))
            {
                list = [];
                _spikesByHour.Add(plan.Hour, list);
            }

            list.Add(plan);
        }

        var lastSpikeHour = spikes.Count == 0 ? -1 : spikes.Max(s => s.Hour);

        for (var hour = 0; ; hour++)
        {
            // Whole hours only, so every detection window is complete; a sized run still
            // covers all planned spikes.
            var done = target is { } limit
                ? _writer.BytesWritten >= limit && hour > lastSpikeHour
                : hour >= plannedHours;
            if (done)
            {
                break;
            }

            GenerateHour(_writer, hour, dryRun: false);
        }

        var labels = spikes
            .OrderBy(s => s.Hour)
            .ThenBy(s => s.Host.V4Text, StringComparer.Ordinal)
            .Select(s =>
            {
                var windowStart = _options.Start.AddHours(s.Hour);
                return new SynthSpike(s.Host.V4Text, windowStart, windowStart.AddHours(1), s.Extra);
            })
            .ToList();
        var labelsPath = SynthLabels.Write(_outDir, labels);
        return new SynthResult(_files, _writer.RecordsWritten, _writer.BytesWritten, labelsPath, labels);
    }

    /// <summary>Hours needed for about <paramref name="target"/> bytes: the line length is measured on a
    /// dry run of hour 0 (nothing written), the hourly volume follows from the hosts' rates.</summary>
    private int EstimateHours(long target)
    {
        var probe = new FlowLineWriter(_world.Fields, _world.Version);
        var probeFiles = _files;
        GenerateHour(probe, 0, dryRun: true);
        var headerBytes = (_files - probeFiles) * (long)_world.Header.Length;
        _files = probeFiles;
        var perRecord = probe.RecordsWritten == 0
            ? 120.0
            : (probe.BytesWritten - headerBytes) / (double)probe.RecordsWritten;
        var filesPerHour = _options.FilesPerHour * _world.ByAccount.Count(a => a.Count > 0);

        var perHourOfDay = new double[24];
        for (var h = 0; h < 24; h++)
        {
            var records = _world.Hosts.Sum(x => x.BlockedLambda[h] + x.NoiseLambda[h]);
            perHourOfDay[h] = Math.Max(1.0, (perRecord * records) + (filesPerHour * _world.Header.Length));
        }

        var total = 0.0;
        var hours = 0;
        // Capped far below DateTimeOffset's range; the hour loop itself still stops on bytes written.
        while (total < target && hours < 10_000_000)
        {
            total += perHourOfDay[(_startHourOfDay + hours) % 24];
            hours++;
        }

        return Math.Max(hours, 1);
    }

    private void GenerateHour(FlowLineWriter writer, int hour, bool dryRun)
    {
        var hourStart = _startEpoch + (hour * 3600L);
        var hourOfDay = (_startHourOfDay + hour) % 24;
        _spikesByHour.TryGetValue(hour, out var spikesThisHour);

        for (var account = 0; account < _world.ByAccount.Length; account++)
        {
            var hosts = _world.ByAccount[account];
            if (hosts.Count == 0)
            {
                continue;
            }

            // One stream per (hour, account) keeps each file reproducible regardless of what came before.
            var rng = new Random(SynthMath.MixSeed(_options.Seed, 100 + (long)hour, account));
            _count = 0;
            for (var i = 0; i < hosts.Count; i++)
            {
                var host = hosts[i];
                Add(i, KindBlocked, SynthMath.Poisson(rng, host.BlockedLambda[hourOfDay]));
                Add(i, KindNoise, SynthMath.Poisson(rng, host.NoiseLambda[hourOfDay]));
            }

            _hourSpikes.Clear();
            if (!dryRun && spikesThisHour is not null)
            {
                foreach (var spike in spikesThisHour)
                {
                    if (spike.Host.Account == account)
                    {
                        Add(_hourSpikes.Count, KindSpike, spike.Extra);
                        _hourSpikes.Add(spike);
                    }
                }
            }

            // Interleave hosts and kinds the way a real file mixes interfaces.
            rng.Shuffle(_schedule.AsSpan(0, _count));

            var files = _options.FilesPerHour;
            var next = 0;
            for (var k = 0; k < files; k++)
            {
                var size = (_count / files) + (k < _count % files ? 1 : 0);
                var suffix = (uint)rng.NextInt64(1L << 32);
                if (size == 0)
                {
                    // AWS delivers no empty files.
                    continue;
                }

                var stamp = _options.Start.AddHours(hour).AddMinutes(k * 60 / files);
                WriteFile(writer, account, stamp, suffix, dryRun, rng, hosts, hour, hourStart, next, size);
                next += size;
            }
        }
    }

    private void Add(int index, int kind, int count)
    {
        if (_count + count > _schedule.Length)
        {
            Array.Resize(ref _schedule, Math.Max(_schedule.Length * 2, _count + count));
        }

        var entry = (index << 2) | kind;
        _schedule.AsSpan(_count, count).Fill(entry);
        _count += count;
    }

    private void WriteFile(
        FlowLineWriter writer, int account, DateTimeOffset stamp, uint suffix, bool dryRun,
        Random rng, List<SynthHost> hosts, int hour, long hourStart, int first, int size)
    {
        _files++;
        if (dryRun)
        {
            WriteRecords(writer, Stream.Null, rng, hosts, hour, hourStart, first, size);
            return;
        }

        var accountId = SynthWorld.AccountIds[account];
        var directory = Path.Combine(
            _outDir, "AWSLogs", accountId, "vpcflowlogs", Region,
            stamp.ToString("yyyy", CultureInfo.InvariantCulture),
            stamp.ToString("MM", CultureInfo.InvariantCulture),
            stamp.ToString("dd", CultureInfo.InvariantCulture));
        if (_directories.Add(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"{accountId}_vpcflowlogs_{Region}_{FlowLogId}_{stamp:yyyyMMdd'T'HHmm'Z'}_{suffix:x8}"
            + $".log{(_options.Gzip ? ".gz" : "")}");

        // Our own 256 KB chunks go through one BufferedStream; the FileStream itself stays unbuffered.
        using var file = new FileStream(
            Path.Combine(directory, name), FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        using var buffered = new BufferedStream(file, 1 << 16);
        if (_options.Gzip)
        {
            using var gzip = new GZipStream(buffered, CompressionLevel.Fastest, leaveOpen: true);
            WriteRecords(writer, gzip, rng, hosts, hour, hourStart, first, size);
        }
        else
        {
            WriteRecords(writer, buffered, rng, hosts, hour, hourStart, first, size);
        }
    }

    private void WriteRecords(
        FlowLineWriter writer, Stream target, Random rng, List<SynthHost> hosts, int hour, long hourStart, int first,
        int size)
    {
        writer.Open(target, _world.Header);
        var record = default(SynthRecord);
        for (var i = first; i < first + size; i++)
        {
            var entry = _schedule[i];
            var index = entry >> 2;
            if ((entry & 3) == KindSpike)
            {
                SynthRecordFiller.FillSpike(ref record, _hourSpikes[index], rng, hourStart);
            }
            else
            {
                _filler.FillHost(ref record, (entry & 3) == KindBlocked, hosts[index], hosts, rng, hour, hourStart);
            }

            writer.Write(ref record);
        }

        writer.Close();
    }
}
