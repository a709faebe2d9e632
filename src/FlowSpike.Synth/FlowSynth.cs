using O = FlowSpike.Synth.SynthOptions;

namespace FlowSpike.Synth;

/// <summary>Writes a deterministic synthetic VPC Flow Log data set laid out like S3 delivery, with
/// injected spikes of blocked outbound traffic and their labels.</summary>
internal static class FlowSynth
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

    /// <summary>A refused option. The message names the setting (the CLI shows its flag), with no parameter
    /// suffix.</summary>
    private static SynthOptionsException Bad(string message) => new(message);

    private static string N(string property) => Setting.Name(property);

    private static void Validate(SynthOptions options)
    {
        if (options.Start.Offset != TimeSpan.Zero || options.Start.Ticks % TimeSpan.TicksPerHour != 0)
        {
            throw Bad($"{N(nameof(O.Start))} must be an hour-aligned UTC time.");
        }

        if (options.TargetBytes is null && options.Days < 1)
        {
            throw Bad($"{N(nameof(O.Days))} must be at least 1.");
        }

        if (options.TargetBytes is <= 0)
        {
            throw Bad($"{N(nameof(O.TargetBytes))} must be positive.");
        }

        if (options.Hosts is < 1 or > MaxHosts)
        {
            throw Bad($"{N(nameof(O.Hosts))} must be between 1 and {MaxHosts}.");
        }

        if (options.Spikes < 0 || options.SpikeFromDay < 0)
        {
            throw Bad($"{N(nameof(O.Spikes))} and {N(nameof(O.SpikeFromDay))} must not be negative.");
        }

        if (options.FilesPerHour is < 1 or > 3600)
        {
            throw Bad($"{N(nameof(O.FilesPerHour))} must be between 1 and 3600.");
        }

        if (!double.IsFinite(options.RecordsPerHostHour) || options.RecordsPerHostHour <= 0
            || options.RecordsPerHostHour > 1_000_000)
        {
            throw Bad($"{N(nameof(O.RecordsPerHostHour))} must be a positive number up to 1e6.");
        }

        if (options.RejectShare is { } share && !(share >= 0 && share <= 1))
        {
            throw Bad($"{N(nameof(O.RejectShare))} must be between 0 and 1.");
        }

        if (options.Hosts * options.RecordsPerHostHour > MaxRecordsPerHour)
        {
            throw Bad($"{N(nameof(O.Hosts))} * {N(nameof(O.RecordsPerHostHour))} must not exceed " +
                $"{MaxRecordsPerHour:0}.");
        }

        if (options.Spikes > 0 && options.TargetBytes is null && options.SpikeFromDay >= options.Days)
        {
            throw Bad($"{N(nameof(O.SpikeFromDay))} must be less than {N(nameof(O.Days))} when spikes are injected.");
        }

        // Each spike needs its own (host, hour); the detect period holds at least one day.
        var detectHours = options.TargetBytes is null ? (options.Days - options.SpikeFromDay) * 24L : 24L;
        if (options.Spikes > 0 && options.Spikes > options.Hosts * detectHours)
        {
            throw Bad("More spikes than (host, hour) slots in the detect period.");
        }
    }
}
