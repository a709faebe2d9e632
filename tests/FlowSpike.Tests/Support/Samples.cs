namespace FlowSpike.Tests.Support;

/// <summary>
/// The repository the tests were built from, found by walking up from the test binary to the folder that holds
/// FlowSpike.slnx, and its tests/Fixtures (files written for these tests; see tests/Fixtures/README.md).
/// </summary>
public static class Samples
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The repository the tests were built from (the folder holding FlowSpike.slnx).</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>tests/Fixtures of the repository.</summary>
    public static string Fixtures => Path.Combine(RepositoryRoot, "tests", "Fixtures");

    /// <summary>tests/Fixtures/flowlogs: flow logs written for FlowSpike's tests.</summary>
    public static string FlowLog(string name) => Path.Combine(Fixtures, "flowlogs", name);

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
