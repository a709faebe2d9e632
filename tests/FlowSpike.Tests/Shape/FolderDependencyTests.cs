using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Shape;

/// <summary>
/// The folders of src/FlowSpike follow the flow (README, "Layout of the code") with no two folders depending on each
/// other, so each can be read knowing only the folders before it.
/// </summary>
public sealed class FolderDependencyTests
{
    /// <summary>Synthesis is moving to its own project; until then it is not part of the flow.</summary>
    private static readonly string[] Ignored = ["Synthesis", "bin", "obj"];

    [Fact]
    public void No_two_folders_of_the_library_depend_on_each_other()
    {
        var graph = FolderGraph.Build("FlowSpike", LibraryFiles());
        Assert.True(graph.Types.Count >= 10, $"only {graph.Types.Count} folders found in src/FlowSpike");
        var cycles = graph.Cycles();
        Assert.True(cycles.Count == 0, "folders that depend on each other:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void The_check_sees_the_dependencies_the_flow_has()
    {
        // Known one-way uses, so an empty graph (a broken reader) cannot pass the test above.
        var graph = FolderGraph.Build("FlowSpike", LibraryFiles());
        Assert.True(graph.DependsOn("Detection", "Models"));
        Assert.Contains("WindowStep.cs uses ISpikeModel", graph.Why("Detection", "Models"));
        Assert.True(graph.DependsOn("Selection", "Records"));
        Assert.True(graph.DependsOn("Runs", "State"));
        Assert.False(graph.DependsOn("Records", "Runs"));
    }

    [Fact]
    public void Two_folders_using_each_other_are_named_with_the_evidence()
    {
        var graph = FolderGraph.Build("FlowSpike",
        [
            ("A", "Left.cs", "using FlowSpike.B;\nnamespace FlowSpike.A;\npublic sealed class Left { Right? R; }\n"),
            ("B", "Right.cs", "namespace FlowSpike.B;\npublic sealed class Right { A.Left? L; }\n"),
        ]);
        var cycle = Assert.Single(graph.Cycles());
        Assert.Equal("A <-> B: A -> B (Left.cs uses Right); B -> A (Right.cs uses Left)", cycle);
    }

    [Fact]
    public void Names_resolve_as_the_compiler_would()
    {
        var graph = FolderGraph.Build("FlowSpike",
        [
            // A names B's Row only in a comment, a string and an interpolation's text, and declares its own Item.
            ("A", "Own.cs", "namespace FlowSpike.A;\n// Row\n/* B.Row */\npublic record Item(string S = \"Row\");\n" +
                "public static class Use { public static string F(int n) => $\"Row {n} B.Row\"; }\n"),
            // B has a using of A but only names its own Item, which A also declares.
            ("B", "Row.cs", "using FlowSpike.A;\nnamespace FlowSpike.B;\npublic sealed class Row { Item? I; }\n" +
                "public sealed class Item;\n"),
            // C names B's Row without a using (a member named Row is not the type), then qualified inside a hole.
            ("C", "Uses.cs", "namespace FlowSpike.C;\npublic static class Uses { public static string F(object o) " +
                "=> $\"{o}{nameof(B.Row)}\"; static int Row => 1; }\n"),
        ]);
        Assert.False(graph.DependsOn("A", "B"));
        Assert.False(graph.DependsOn("B", "A"));
        Assert.True(graph.DependsOn("C", "B"));
        Assert.Empty(graph.Cycles());
    }

    private static IEnumerable<(string Folder, string File, string Source)> LibraryFiles()
    {
        string root = Path.Combine(Samples.RepositoryRoot, "src", "FlowSpike");
        foreach (string dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            string folder = Path.GetFileName(dir);
            if (Ignored.Contains(folder, StringComparer.Ordinal))
                continue;
            foreach (string file in Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories))
                yield return (folder, Path.GetFileName(file), File.ReadAllText(file));
        }
    }
}
