using System.Diagnostics;
using System.Text.RegularExpressions;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Shape;

/// <summary>
/// Only this project's own files are tracked: no file records another project's origin (a SOURCES file naming an
/// upstream repository or a copy), no third-party licence or notice file, no vendored third_party folder.
/// Dependencies come from package managers at build or test time (NuGet, npm, apt), and those are never tracked.
/// </summary>
public partial class OwnFilesTests
{
    [GeneratedRegex(@"^sources(\.(md|txt|rst))?$", RegexOptions.IgnoreCase)]
    private static partial Regex SourcesName();

    [GeneratedRegex(@"^(licen[cs]e|copying|notice)([-._].*)?$", RegexOptions.IgnoreCase)]
    private static partial Regex LicenceName();

    /// <summary>A code host's repository address, an owner/name with a commit id, or a statement of copying.</summary>
    [GeneratedRegex(
        @"\b(github|gitlab|bitbucket|codeberg)\.(com|org)/[\w.-]+/[\w.-]+|\b[\w.-]+/[\w.-]+\b.*\b[0-9a-f]{7,40}\b"
        + @"|\bcopied\b|\bbyte for byte\b|\bupstream\b",
        RegexOptions.IgnoreCase)]
    private static partial Regex Origin();

    /// <summary>Why a tracked file is another project's, or null. Package managers' folders are never ours to
    /// check: they are installed, not tracked.</summary>
    public static string? ForeignOrigin(string path, Func<string> text)
    {
        var parts = path.Split('/');
        if (parts.Any(p => p is "node_modules" or ".nuget" or "packages"))
            return null;
        string name = parts[^1];
        if (parts.Any(p => p.Equals("third_party", StringComparison.OrdinalIgnoreCase)
            || p.Equals("third-party", StringComparison.OrdinalIgnoreCase)))
            return "is in a third_party folder";
        if (LicenceName().IsMatch(name) && parts.Length > 1)
            return "is a licence or notice file of another project (only the repository root's is ours)";
        if (SourcesName().IsMatch(name) && Origin().Match(text()) is { Success: true } m)
            return $"names where it was copied from ('{m.Value}')";
        return null;
    }

    private static List<string> TrackedFiles()
    {
        var psi = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Samples.RepositoryRoot,
        };
        psi.ArgumentList.Add("ls-files");
        psi.ArgumentList.Add("-z");
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"git ls-files failed in {Samples.RepositoryRoot}: {error}");
        return [.. output.Split('\0', StringSplitOptions.RemoveEmptyEntries)];
    }

    [Fact]
    public void No_tracked_file_comes_from_another_project()
    {
        var files = TrackedFiles();
        Assert.Contains("FlowSpike.slnx", files);
        var foreign = files
            .Select(f => (File: f, Why: ForeignOrigin(f, () =>
                File.Exists(Path.Combine(Samples.RepositoryRoot, f))
                    ? File.ReadAllText(Path.Combine(Samples.RepositoryRoot, f)) : "")))
            .Where(x => x.Why is not null)
            .Select(x => $"{x.File} {x.Why}")
            .ToList();
        Assert.True(foreign.Count == 0,
            "files from other projects are tracked (facts carry over, files do not; see tests/Fixtures/README.md):\n"
            + string.Join("\n", foreign));
    }

    [Theory]
    [InlineData("tests/Fixtures/x/SOURCES.md", "Copied from github.com/example/project at tag v1.", true)]
    [InlineData("tests/Fixtures/x/SOURCES.md", "| sample.log | example-org/sample-repo | 0123abcd |", true)]
    [InlineData("tests/Fixtures/x/LICENSE-Apache-2.0.txt", "", true)]
    [InlineData("tests/Fixtures/schemas/NOTICE", "", true)]
    [InlineData("tests/Fixtures/third_party/sample.log", "", true)]
    [InlineData("LICENSE", "", false)]
    [InlineData("tests/Fixtures/README.md", "Written for FlowSpike's tests, copied from github.com/a/b", false)]
    [InlineData("tests/Fixtures/x/SOURCES.md", "Written for FlowSpike's tests from AWS's field table.", false)]
    [InlineData("src/FlowSpike.Cluster/Wire/SourceStats.cs", "", false)]
    [InlineData("tests/s3rver/node_modules/s3rver/LICENSE", "", false)]
    public void The_rules_tell_foreign_files_from_ours(string path, string text, bool foreign) =>
        Assert.Equal(foreign, ForeignOrigin(path, () => text) is not null);
}
