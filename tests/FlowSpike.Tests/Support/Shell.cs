using System.Diagnostics;

namespace FlowSpike.Tests.Support;

/// <summary>Runs a system command (mount, umount) and fails the test with its stderr if it fails.</summary>
public static class Shell
{
    public static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} failed: {err}");
    }
}
