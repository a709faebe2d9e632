namespace FlowSpike.Runs;

public sealed record DetectRequest
{
    public required long From { get; init; }
    public required long To { get; init; }
    public long WindowSeconds { get; init; } = 3600;
    public AlertPolicy Policy { get; init; } = new();
}
