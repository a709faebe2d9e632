namespace FlowSpike.Tests.Support;

/// <summary>
/// The third-party fixtures in tests/Fixtures of this repository (see tests/Fixtures/SOURCES.md), found by walking
/// up from the test binary to the folder that holds FlowSpike.slnx. Nothing outside the repository is read.
/// </summary>
public static class Samples
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The repository the tests were built from (the folder holding FlowSpike.slnx).</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>tests/Fixtures of the repository.</summary>
    public static string Fixtures => Path.Combine(RepositoryRoot, "tests", "Fixtures");

    /// <summary>tests/Fixtures/third_party: flow log samples from other projects.</summary>
    public static string Dir => Path.Combine(Fixtures, "third_party");

    /// <summary>tests/Fixtures/schemas: the OCSF schema sources and the Security Hub API model.</summary>
    public static string Schemas => Path.Combine(Fixtures, "schemas");

    public static string Path_(string relative) => Path.Combine(Dir, relative);

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "FlowSpike.slnx")))
            {
                return Directory.Exists(Path.Combine(d.FullName, "tests", "Fixtures"))
                    ? d.FullName
                    : throw new DirectoryNotFoundException(
                        $"tests/Fixtures is missing from the repository {d.FullName}");
            }
        }
        throw new DirectoryNotFoundException(
            $"no FlowSpike.slnx above {AppContext.BaseDirectory}: run the tests from a clone of the repository");
    }
}
