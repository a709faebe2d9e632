using System.Diagnostics;

namespace FlowSpike.Tests.Support;

/// <summary>Runs the real CLI as a separate process, as a user would.</summary>
public static class Cli
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    /// <summary>The CLI under test: this build's, or FLOWSPIKE_CLI_DLL (to run the fault matrix against an older
    /// release and see which contracts it breaks).</summary>
    public static string Dll => Environment.GetEnvironmentVariable("FLOWSPIKE_CLI_DLL") is { Length: > 0 } other
        ? other
        : Path.Combine(AppContext.BaseDirectory, "FlowSpike.Cli.dll");

    /// <summary>The binary (dotnet FlowSpike.Cli.dll), or with <see cref="Door.Variable"/> set the README's
    /// `./flowspike`, which must show the user the same exit codes and messages.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IDictionary<string, string>? env = null) =>
        StartInfo(args, env, Door.Requested);

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IDictionary<string, string>? env, bool door)
    {
        if (door)
            return WithEnv(Door.StartInfo(args), env);
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Dll);
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        return WithEnv(psi, env);
    }

    private static ProcessStartInfo WithEnv(ProcessStartInfo psi, IDictionary<string, string>? env)
    {
        if (env is not null)
        {
            foreach (var (k, v) in env)
                psi.Environment[k] = v;
        }
        return psi;
    }

    public static Outcome Run(params string[] args) => RunWith(args);

    public static Outcome RunWith(IEnumerable<string> args, string? stdin = null,
        IDictionary<string, string>? env = null) => RunWith(args, stdin, env, Door.Requested);

    /// <summary>Runs through the door (`./flowspike`) when <paramref name="door"/>, else the binary.</summary>
    public static Outcome RunWith(IEnumerable<string> args, string? stdin, IDictionary<string, string>? env,
        bool door)
    {
        using var p = Process.Start(StartInfo(args, env, door))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
            p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("flowspike did not finish: " + string.Join(' ', args));
        }
        return new Outcome(p.ExitCode, stdout.Result, stderr.Result);
    }
}
