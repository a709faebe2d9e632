namespace FlowSpike.Tests.Support;

/// <summary>The real public fixtures in shared/samples/third_party, found from the repository or CI clone.</summary>
public static class Samples
{
    public static string Dir
    {
        get
        {
            var d = new DirectoryInfo(AppContext.BaseDirectory);
            while (d is not null)
            {
                foreach (string candidate in new[] { Path.Combine(d.FullName, "shared", "samples", "third_party"), Path.Combine(d.FullName, "..", "shared", "samples", "third_party") })
                {
                    if (Directory.Exists(candidate))
                        return Path.GetFullPath(candidate);
                }
                d = d.Parent;
            }
            throw new DirectoryNotFoundException("shared/samples/third_party not found beside the repository");
        }
    }

    public static string Path_(string relative) => Path.Combine(Dir, relative);
}
