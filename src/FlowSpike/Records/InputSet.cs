namespace FlowSpike.Records;

/// <summary>Expands the user's --input arguments: files as given, directories recursively in ordinal order, "-" for stdin.</summary>
public static class InputSet
{
    public static IReadOnlyList<InputFile> Expand(IEnumerable<string> inputs)
    {
        var files = new List<InputFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string input in inputs)
        {
            if (input == "-")
            {
                if (seen.Add("-"))
                    files.Add(new InputFile("-", -1));
                continue;
            }
            if (input.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
                throw new FlowInputException($"{input}: S3 input is not supported by this build yet; copy the objects locally (aws s3 sync) and pass the folder");
            if (Directory.Exists(input))
            {
                var found = Directory.EnumerateFiles(input, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = FileAttributes.Hidden })
                    .Order(StringComparer.Ordinal);
                foreach (string f in found)
                {
                    string full = Path.GetFullPath(f);
                    if (seen.Add(full))
                        files.Add(new InputFile(f, LengthOf(f)));
                }
            }
            else if (File.Exists(input))
            {
                if (seen.Add(Path.GetFullPath(input)))
                    files.Add(new InputFile(input, LengthOf(input)));
            }
            else
            {
                throw new FlowInputException($"{input}: no such file or directory");
            }
        }
        return files;
    }

    /// <summary>The size of the file a path leads to, following symbolic links.</summary>
    private static long LengthOf(string path)
    {
        var info = new FileInfo(path);
        return info.LinkTarget is null ? info.Length : info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target ? target.Length : info.Length;
    }
}
