using System.Text.RegularExpressions;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Shape;

/// <summary>README's "Layout of the code" names the tree as it is: every folder it lists exists, and every folder of
/// the library and every project is listed.</summary>
public sealed partial class ReadmeLayoutTests
{
    private static readonly string Root = Samples.RepositoryRoot;

    [GeneratedRegex(@"^(?<indent> *)(?<path>[\w./-]+?)(?<dir>/)?\s{2,}\S")]
    private static partial Regex Entry();

    /// <summary>The block's entries: (path from the repository root, is a folder).</summary>
    private static List<(string Path, bool Folder)> Entries()
    {
        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        int at = readme.IndexOf("## Layout of the code", StringComparison.Ordinal);
        Assert.True(at >= 0, "README.md has no 'Layout of the code' section");
        int open = readme.IndexOf("```\n", at, StringComparison.Ordinal) + 4;
        int close = readme.IndexOf("```\n", open, StringComparison.Ordinal);
        var entries = new List<(string, bool)>();
        string parent = "";
        foreach (string line in readme[open..close].Split('\n'))
        {
            var m = Entry().Match(line);
            if (!m.Success)
                continue;
            bool nested = m.Groups["indent"].Length > 0;
            string path = (nested ? parent : "") + m.Groups["path"].Value;
            bool folder = m.Groups["dir"].Success;
            if (!nested && folder)
                parent = path + "/";
            entries.Add((path, folder));
        }
        return entries;
    }

    [Fact]
    public void Every_listed_path_exists()
    {
        var entries = Entries();
        Assert.True(entries.Count > 10, "the layout block lists too little to be read");
        foreach (var (path, folder) in entries)
        {
            if (path == "artifacts")
                continue; // the build's output, not committed
            string full = Path.Combine(Root, path);
            Assert.True(folder ? Directory.Exists(full) : File.Exists(full), $"README lists {path}, which is missing");
        }
    }

    [Fact]
    public void Every_library_folder_and_every_project_is_listed()
    {
        var listed = Entries().Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        foreach (string dir in Directory.GetDirectories(Path.Combine(Root, "src", "FlowSpike")))
        {
            string name = Path.GetFileName(dir);
            if (name is "bin" or "obj")
                continue;
            Assert.True(listed.Contains("src/FlowSpike/" + name),
                $"README's layout does not list src/FlowSpike/{name}/");
        }
        foreach (string project in Directory.GetDirectories(Path.Combine(Root, "src")))
        {
            string name = "src/" + Path.GetFileName(project);
            Assert.True(listed.Contains(name), $"README's layout does not list {name}/");
        }
    }
}
