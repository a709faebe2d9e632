using System.Diagnostics;

namespace FlowSpike.Tests.Support;

/// <summary>
/// The README's entry point, `./flowspike` at the repository root: the wrapper script that builds on first use and
/// runs the Native AOT binary (or the JIT build). Tests that check what a user sees run it, not only the binary.
/// </summary>
public static class Door
{
    /// <summary>Set (to any value) to run every <see cref="Cli"/> test through the door; test.sh does so for the
    /// fault matrix.</summary>
    public const string Variable = "FLOWSPIKE_TEST_DOOR";

    public static bool Requested => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 };

    /// <summary>The checkout these tests were built from: the folder holding FlowSpike.slnx and the wrapper.</summary>
    public static string Root { get; } = FindRoot();

    public static string Script => Path.Combine(Root, "flowspike");

    /// <summary>The wrapper after its first-use build: the build's note on stderr belongs to no test.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        _ = Built.Value;
        return Plain(args);
    }

    /// <summary>Runs `./flowspike --version` once per test process, so the first use builds.</summary>
    private static readonly Lazy<bool> Built = new(() =>
    {
        using var p = Process.Start(Plain(["--version"]))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.StandardInput.Close();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("./flowspike --version did not finish its first build in 10 minutes");
        }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"./flowspike --version exited {p.ExitCode}: {stderr}{stdout.Result}");
        return true;
    });

    private static ProcessStartInfo Plain(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(Script)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        return psi;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FlowSpike.slnx"))
                && File.Exists(Path.Combine(dir.FullName, "flowspike")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no checkout with ./flowspike above {AppContext.BaseDirectory}");
    }
}
