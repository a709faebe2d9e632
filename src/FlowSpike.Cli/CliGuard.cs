using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.State;

namespace FlowSpike.Cli;

/// <summary>User mistakes and unreadable inputs become one line on stderr and exit code 1, never a stack
/// trace.</summary>
internal static class CliGuard
{
    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is RunException or FlowInputException or StateException or IOException
            or UnauthorizedAccessException)
        {
            Console.Out.Flush();
            StderrLog.Error(e switch
            {
                RunException run => run.Render(FlagNames.Of),
                FlowInputException input => input.Render(FlagNames.Of),
                _ => e.Message,
            });
            return 1;
        }
    }
}
