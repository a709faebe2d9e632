using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Shape;

/// <summary>Rules every source file keeps: its size, and where environment switches may be read.</summary>
public sealed class SourceRulesTests
{
    private static IEnumerable<string> Sources(params string[] folders) => folders
        .Select(f => Path.Combine(Samples.RepositoryRoot, f))
        .SelectMany(f => Directory.EnumerateFiles(f, "*.cs", SearchOption.AllDirectories))
        .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}",
            StringComparison.Ordinal));

    [Fact]
    public void No_source_file_is_over_400_lines()
    {
        var over = Sources("src", "tests/FlowSpike.Tests", "bench")
            .Select(f => (File: f, Lines: File.ReadAllLines(f).Length))
            .Where(f => f.Lines > 400)
            .Select(f => $"{Path.GetRelativePath(Samples.RepositoryRoot, f.File)}: {f.Lines}")
            .ToList();
        Assert.True(over.Count == 0, "files over 400 lines: " + string.Join(", ", over));
    }

    [Fact]
    public void The_library_reads_no_flowspike_environment_variable()
    {
        // Switches are read at the edge (the CLI, the silo host) and passed in; the library only holds them.
        var readers = Sources("src/FlowSpike")
            .Where(f => File.ReadAllText(f).Contains("FLOWSPIKE_", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Samples.RepositoryRoot, f))
            .ToList();
        Assert.True(readers.Count == 0, "FLOWSPIKE_ appears in " + string.Join(", ", readers));
    }
}
