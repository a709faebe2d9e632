using FlowSpike.Time;

namespace FlowSpike.Cli;

/// <summary>A duration option's value: seconds, shown as "1h" (help prints defaults with ToString).</summary>
internal readonly record struct CliDuration(long Seconds)
{
    public static implicit operator long(CliDuration d) => d.Seconds;

    public override string ToString() => TimeRange.FormatDuration(Seconds);
}
