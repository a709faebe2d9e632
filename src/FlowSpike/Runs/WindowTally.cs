namespace FlowSpike.Runs;

/// <summary>
/// What closing windows produced: alerts that go out, alerts dropped by the allowlists (<c>allow_src</c>,
/// <c>allow_dest</c>), and repeats withheld by <c>--suppress</c>. Kept apart: an analyst reads them differently.
/// </summary>
internal readonly record struct WindowTally(int Alerts, int Allowlisted, int Suppressed)
{
    public static WindowTally operator +(WindowTally a, WindowTally b) =>
        new(a.Alerts + b.Alerts, a.Allowlisted + b.Allowlisted, a.Suppressed + b.Suppressed);

    public override string ToString() =>
        $"{Alerts} alert(s), {Allowlisted} allowlisted, {Suppressed} suppressed";
}
