using FlowSpike.Detection;

namespace FlowSpike.Runs;

/// <summary>A closed window's result with how many of its alerts go out and how many suppression withheld.</summary>
internal sealed record WindowOutcome(WindowResult Result, int Alerts, int Suppressed)
{
    public WindowTally Tally => new(Alerts, Result.Allowlisted, Suppressed);
}
