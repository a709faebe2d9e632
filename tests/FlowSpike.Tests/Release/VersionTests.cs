using System.Diagnostics;
using System.Text.RegularExpressions;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Release;

/// <summary>`flowspike --version` names the version and the commit the binary was built from.</summary>
public class VersionTests
{
    private static string Git(params string[] args)
    {
        var psi = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Samples.RepositoryRoot,
        };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"git {string.Join(' ', args)} failed: {p.StandardError.ReadToEnd()}");
        return output;
    }

    [Fact]
    public void Version_names_the_version_and_the_commit_of_the_checkout()
    {
        var r = Support.Cli.Run("--version");
        Assert.Equal(0, r.ExitCode);
        var m = Regex.Match(r.Stdout.Trim(), @"^(?<version>\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?)\+(?<commit>[0-9a-f]{40})$");
        Assert.True(m.Success, $"--version printed '{r.Stdout.Trim()}'");
        // The commit is the checkout's HEAD: test.sh builds before it tests, so the binary is of this commit.
        Assert.Equal(Git("rev-parse", "HEAD"), m.Groups["commit"].Value);
        // The version is the one Directory.Build.props declares.
        string props = File.ReadAllText(Path.Combine(Samples.RepositoryRoot, "Directory.Build.props"));
        Assert.Equal(Regex.Match(props, "<Version>([^<]+)</Version>").Groups[1].Value, m.Groups["version"].Value);
    }
}
