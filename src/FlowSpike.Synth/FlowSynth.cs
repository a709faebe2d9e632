namespace FlowSpike.Synth;

/// <summary>Writes a deterministic synthetic VPC Flow Log data set laid out like S3 delivery, with
/// injected spikes of blocked outbound traffic and their labels.</summary>
public static class FlowSynth
{
    private const int MaxHosts = 200_000;

    // One hour of one account is scheduled in memory (4 bytes a record).
    private const double MaxRecordsPerHour = 20_000_000;

    /// <summary>Generates the data set under <paramref name="outDir"/>/AWSLogs and the labels in
    /// <paramref name="outDir"/>/labels.csv. Existing files with the same names are overwritten,
    /// other files are left alone.</summary>
    public static SynthResult Generate(SynthOptions options, string outDir)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(outDir);
        Validate(options);

        var world = SynthWorld.Build(options);
        return new SynthRun(options, world, outDir).Execute();
    }

    private static void Validate(SynthOptions options)
    {
        if (options.Start.Offset != TimeSpan.Zero || options.Start.Ticks % TimeSpan.TicksPerHour != 0)
        {
            throw new ArgumentException("Start must be an hour-aligned UTC time.", nameof(options));
        }

        if (options.TargetBytes is null && options.Days < 1)
        {
            throw new ArgumentException("Days must be at least 1.", nameof(options));
        }

        if (options.TargetBytes is <= 0)
        {
            throw new ArgumentException("TargetBytes must be positive.", nameof(options));
        }

        if (options.Hosts is < 1 or > MaxHosts)
        {
            throw new ArgumentException($"Hosts must be between 1 and {MaxHosts}.", nameof(options));
        }

        if (options.Spikes < 0 || options.SpikeFromDay < 0)
        {
            throw new ArgumentException("Spikes and SpikeFromDay must not be negative.", nameof(options));
        }

        if (options.FilesPerHour is < 1 or > 3600)
        {
            throw new ArgumentException("FilesPerHour must be between 1 and 3600.", nameof(options));
        }

        if (!double.IsFinite(options.RecordsPerHostHour) || options.RecordsPerHostHour <= 0
            || options.RecordsPerHostHour > 1_000_000)
        {
            throw new ArgumentException("RecordsPerHostHour must be a positive number up to 1e6.", nameof(options));
        }

        if (options.RejectShare is { } share && !(share >= 0 && share <= 1))
        {
            throw new ArgumentException("RejectShare must be between 0 and 1.", nameof(options));
        }

        if (options.Hosts * options.RecordsPerHostHour > MaxRecordsPerHour)
        {
            throw new ArgumentException(
                $"Hosts * RecordsPerHostHour must not exceed {MaxRecordsPerHour:0}.", nameof(options));
        }

        if (options.Spikes > 0 && options.TargetBytes is null && options.SpikeFromDay >= options.Days)
        {
            throw new ArgumentException(
                "SpikeFromDay must be less than Days when spikes are injected.", nameof(options));
        }

        // Each spike needs its own (host, hour); the detect period holds at least one day.
        var detectHours = options.TargetBytes is null ? (options.Days - options.SpikeFromDay) * 24L : 24L;
        if (options.Spikes > options.Hosts * detectHours)
        {
            throw new ArgumentException("More spikes than (host, hour) slots in the detect period.", nameof(options));
        }
    }
}
