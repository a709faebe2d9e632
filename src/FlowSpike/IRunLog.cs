namespace FlowSpike;

/// <summary>Human-readable progress notes and warnings of a run (the CLI prints them on stderr).</summary>
public interface IRunLog
{
    void Info(string message);
    void Warn(string message);
}
