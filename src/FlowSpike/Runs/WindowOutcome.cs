using FlowSpike.Detection;

namespace FlowSpike.Runs;

/// <summary>A window's result with how many of its alerts went out and how many suppression withheld.</summary>
internal sealed record WindowOutcome(WindowResult Result, int Delivered, int Suppressed);
