namespace FlowSpike.Synth;

/// <summary>A planned spike: which host, which hour, how many extra records, and where they go.</summary>
internal sealed class SynthSpikePlan
{
    public required SynthHost Host { get; init; }

    /// <summary>Hour index from the start of the run.</summary>
    public required int Hour { get; init; }

    public required int Extra { get; init; }

    public required uint[] Destinations { get; init; }

    public required int[] Ports { get; init; }

    /// <summary>Burst sub-window inside the hour, in seconds from the hour start.</summary>
    public required int OffsetSeconds { get; init; }

    public required int LengthSeconds { get; init; }
}
