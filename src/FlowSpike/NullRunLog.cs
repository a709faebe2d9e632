namespace FlowSpike;

public sealed class NullRunLog : IRunLog
{
    public static NullRunLog Instance { get; } = new();

    public void Info(string message) { }

    public void Warn(string message) { }
}
