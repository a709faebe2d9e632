using FlowSpike.Records;
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
        catch (Exception e) when (e is Amazon.Runtime.AmazonClientException or Amazon.Runtime.AmazonServiceException)
        {
            // Credentials the SDK could not resolve (a web identity token, role_arn, SSO session) or an AWS refusal.
            Console.Out.Flush();
            StderrLog.Error($"AWS: {OneLine(e)}");
            return 1;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A fault of flowspike itself: still one line, through --log-json like every other failure.
            Console.Out.Flush();
            StderrLog.Error($"internal error ({e.GetType().Name}: {OneLine(e)}); please report it");
            return ExitInternal;
        }
    }

    /// <summary>Exit code of a failure that is flowspike's own fault, not the user's or the input's.</summary>
    public const int ExitInternal = 70;

    /// <summary>The message and its causes', on one line.</summary>
    private static string OneLine(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x is not null && parts.Count < 3; x = x.InnerException)
        {
            string m = x.Message.ReplaceLineEndings(" ").Trim();
            if (m.Length > 0 && !parts.Any(p => p.Contains(m, StringComparison.Ordinal)))
                parts.Add(m);
        }
        return string.Join(": ", parts);
    }
}
