using FlowSpike.Runs;

namespace FlowSpike.Cli;

/// <summary>Run notes on stderr, so stdout carries only alerts and exports.</summary>
internal sealed class StderrLog(bool quiet) : IRunLog
{
    public void Info(string message)
    {
        if (!quiet)
            Console.Error.WriteLine($"flowspike: {message}");
    }

    public void Warn(string message) => Console.Error.WriteLine($"flowspike: warning: {message}");
}
